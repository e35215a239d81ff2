import type { WorkflowHandle } from '@temporalio/client';

const STEP_ACTIVITIES = new Set(['applyStep', 'revertStep']);

export interface Waiting {
  /** The activity, with the step it runs when it is a step's (its activity id names the step). */
  activity: string;
  attempt: number;
  /** The last attempt's failure: for a lock wait, who holds the lock and since when. */
  lastFailure: string | null;
}

/**
 * What the rollout waits on right now, from Temporal's own record of its pending activities: a step
 * retrying because the rollout lock is held shows the holder and the attempt number here.
 */
export async function pendingWaits(handle: WorkflowHandle): Promise<Waiting[]> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? [])
    .filter((a) => (a.attempt ?? 1) > 1 || a.lastFailure?.message)
    .map((a) => ({
      activity: STEP_ACTIVITIES.has(a.activityType?.name ?? '') ? `${a.activityType?.name} ${a.activityId}` : (a.activityType?.name ?? '?'),
      attempt: a.attempt ?? 1,
      lastFailure: a.lastFailure?.message ?? null,
    }));
}

export function formatWaiting(w: Waiting): string {
  return `waiting: ${w.activity} attempt ${w.attempt}${w.lastFailure ? `: ${w.lastFailure}` : ''}`;
}
