// Failures onto Temporal's retry semantics: a step's refusal, and what PostgreSQL says a retry cannot fix,
// are non-retryable ApplicationFailures of a type from the one list; everything else is retried.
import { ApplicationFailure } from '@temporalio/common';
import { FootprintViolation } from '../db/footprint';
import { DatabaseUnreachable } from '../db/liveness';
import { Refusal } from '../steps/refusal';
import { ErrorType } from '../shared/errors';

// SQLSTATEs raised by our own guards (sql/commit_ready_f6_ownership_seed.sql).
const GUARD_SQLSTATE = 'GR001';

// Classes a retry cannot fix: data exceptions, integrity, syntax or privilege, invalid transaction
// state, PL/pgSQL raise. Everything else (connection loss, shutdown, lock timeouts, serialization,
// resources) is transient and left for Temporal to retry with backoff.
const PERMANENT_CLASSES = new Set(['22', '23', '25', '2B', '42', 'P0']);

function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export function targetMismatch(serves: string, named: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `this worker serves target ${serves}, the rollout names ${named}`,
    ErrorType.TargetMismatch,
  );
}

/** Maps a step's refusal or a database error onto Temporal's retry semantics; leaves other errors as they are. */
export function classify(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof Refusal)
    return ApplicationFailure.nonRetryable(err.message, err.type, ...(err.details === undefined ? [] : [err.details]));
  if (err instanceof FootprintViolation)
    return ApplicationFailure.nonRetryable(err.message, ErrorType.FootprintViolated, err.proof);
  if (err instanceof DatabaseUnreachable) {
    return ApplicationFailure.retryable(err.message, ErrorType.DatabaseUnreachable, { since: err.since });
  }
  const code = sqlState(err);
  if (!code) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (code === GUARD_SQLSTATE) return ApplicationFailure.nonRetryable(message, ErrorType.GuardRefused);
  if (PERMANENT_CLASSES.has(code.slice(0, 2))) {
    return ApplicationFailure.nonRetryable(`${message} (SQLSTATE ${code})`, ErrorType.DatabaseRejected);
  }
  return err;
}
