// The activity proxies, one per kind of call: each kind has its own patience.
import {
  ActivityCancellationType,
  proxyActivities,
  proxyLocalActivities,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';

const transient: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' };

/** A gate claim is answered promptly: an unreadable gate is a refused claim, not a stuck rollout. */
export const gateReads = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...transient, maximumAttempts: 3 },
});

/**
 * Short reads the worker answers itself (the target's identity, other rollouts, the preflight): local
 * activities, recorded in the workflow's own task, so the operator waits on the SQL, not on a round trip
 * through the server per read. Their every session is bounded like any other (src/db/pool.ts).
 */
export const reads = proxyLocalActivities<RolloutActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { ...transient, maximumAttempts: 20 },
});

/**
 * A cancelled write step is awaited to its end (commit or rollback) before compensation starts,
 * so a compensation never runs ahead of the transaction it undoes.
 */
export const writes = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...transient, maximumAttempts: 20 },
});

/** Compensations retry until they succeed; only a guard refusal (CompensationRefused) stops one. */
export const undo = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { ...transient, maximumInterval: '1 minute' },
});

const noticePatience = { startToCloseTimeout: '15 seconds', retry: { ...transient, maximumAttempts: 5 } } as const;

/** Notifications are retried a little and never hold a step back: they are awaited only at the end. */
export const notices = proxyActivities<RolloutActivities>(noticePatience);

/**
 * The last notice is awaited anyway, so the worker sends it itself, beside the evidence and in the
 * same workflow task: no round trip through the server between the last step and the ending.
 */
export const lastNotice = proxyLocalActivities<RolloutActivities>(noticePatience);

/** The evidence is written when the rollout ends, whatever the ending: patient, but never for ever. */
export const evidence = proxyLocalActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { ...transient, maximumAttempts: 10 },
});
