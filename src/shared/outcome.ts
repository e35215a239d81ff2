// How a rollout's end reads from outside: a completed execution returns its final progress; every other
// ending fails the execution with an ApplicationFailure that carries the final progress as details[0].
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from './errors';
import type { RolloutProgress, RolloutState } from './progress';

const FAILURE_TYPE: Partial<Record<RolloutState, ErrorType>> = {
  COMPENSATED: ErrorType.RolloutCompensated,
  FAILED: ErrorType.RolloutFailed,
  EXPIRED: ErrorType.RolloutExpired,
};
const ENDING_TYPES = new Set<string>(Object.values(FAILURE_TYPE));

/** The failure a rollout that did not complete ends with; null for COMPLETED (and non-final states). */
export function endingFailure(progress: RolloutProgress): ApplicationFailure | null {
  const type = FAILURE_TYPE[progress.state];
  if (!type) return null;
  return ApplicationFailure.create({
    message: `${progress.state}: ${progress.reason ?? 'no reason recorded'}`,
    type,
    nonRetryable: true,
    details: [progress],
  });
}

function looksLikeProgress(value: unknown): value is RolloutProgress {
  return typeof value === 'object' && value !== null && 'state' in value && 'steps' in value && 'gate' in value;
}

/**
 * The final progress a rollout's ending failure carries, or null when the error is something else
 * (terminated, timed out, a failure of another kind). Walks the cause chain: clients wrap it.
 */
export function progressFromFailure(err: unknown): RolloutProgress | null {
  for (
    let e: unknown = err, depth = 0;
    e instanceof Error && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    if (e instanceof ApplicationFailure && e.type && ENDING_TYPES.has(e.type)) {
      const details = e.details?.[0];
      return looksLikeProgress(details) ? details : null;
    }
  }
  return null;
}
