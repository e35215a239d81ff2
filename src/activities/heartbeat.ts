import { Context } from '@temporalio/activity';
import { trackSessions } from '../db/liveness';

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (the CLI's plan, a direct test)
  }
}

/**
 * Heartbeats while a long statement runs, so a dead worker is noticed within the heartbeat timeout rather
 * than the start-to-close timeout, and a cancellation reaches the activity. Only while every session the
 * activity waits on is idle or proven working (src/db/liveness.ts): a heartbeat is a claim of progress, so
 * a session stuck on a dead link stops them, and Temporal's heartbeat timeout is a real second bound.
 */
export async function withHeartbeat<T>(fn: () => Promise<T>, everyMs = 2_000): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return fn();
  const tracked = trackSessions(fn);
  ctx.heartbeat();
  const timer = setInterval(() => {
    if (tracked.alive()) ctx.heartbeat();
  }, everyMs);
  try {
    return await tracked.result;
  } finally {
    clearInterval(timer);
  }
}
