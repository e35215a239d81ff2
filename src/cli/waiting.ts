import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { ErrorType } from '../shared/errors';

const STEP_ACTIVITIES = new Set(['applyStep', 'revertStep']);

/** A step's activity with its step (the workflow names its activities by step: `seed`, `compensate-seed`). */
function activityLabel(a: { activityType?: { name?: string | null } | null; activityId?: string | null }): string {
  const type = a.activityType?.name ?? '?';
  return STEP_ACTIVITIES.has(type) ? `${type} ${(a.activityId ?? '?').replace(/^compensate-/, '')}` : type;
}

export interface Waiting {
  /** The activity, with the step it runs when it is a step's (its activity id names the step). */
  activity: string;
  attempt: number;
  /** The last attempt's failure: for a lock wait, who holds it and since when; for a database away, since when. */
  lastFailure: string | null;
  /** When the database last answered, for a step retrying because it does not (DatabaseUnreachable). */
  since: string | null;
  /** When the next attempt starts; null while one runs. */
  nextAttemptAt: string | null;
}

type Pending = NonNullable<Awaited<ReturnType<WorkflowHandle['describe']>>['raw']['pendingActivities']>[number];
type PendingFailure = NonNullable<Pending['lastFailure']>;

/** details[0].since of a DatabaseUnreachable failure (src/activities/failures.ts). */
function databaseSince(failure: PendingFailure | null | undefined): string | null {
  const info = failure?.applicationFailureInfo;
  if (info?.type !== ErrorType.DatabaseUnreachable) return null;
  try {
    const payload = info.details?.payloads?.[0];
    const details = payload ? defaultPayloadConverter.fromPayload<{ since?: unknown }>(payload) : undefined;
    return typeof details?.since === 'string' ? details.since : null;
  } catch {
    return null;
  }
}

/**
 * What the rollout waits on right now, from Temporal's own record of its pending activities: a step
 * retrying because the rollout lock is held, or because its database does not answer, shows why, since
 * when and the attempt number here.
 */
export async function pendingWaits(handle: WorkflowHandle): Promise<Waiting[]> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? [])
    .filter((a) => (a.attempt ?? 1) > 1 || a.lastFailure?.message)
    .map((a) => ({
      activity: activityLabel(a),
      attempt: a.attempt ?? 1,
      lastFailure: a.lastFailure?.message ?? null,
      since: databaseSince(a.lastFailure),
      nextAttemptAt: optionalTsToDate(a.nextAttemptScheduleTime)?.toISOString() ?? null,
    }));
}

/** One line: which step, which attempt, when the next one starts, the last failure (what it waits for, since when). */
export function formatWaiting(w: Waiting): string {
  const next = w.nextAttemptAt ? ` (next try ${w.nextAttemptAt})` : '';
  return `waiting: ${w.activity} attempt ${w.attempt}${next}${w.lastFailure ? `: ${w.lastFailure}` : ''}`;
}
