import { Context } from '@temporalio/activity';

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (the CLI's plan, a direct test)
  }
}

/**
 * Heartbeats while a long statement runs, so a dead worker is noticed within the heartbeat
 * timeout rather than the start-to-close timeout, and a cancellation reaches the activity.
 */
export async function withHeartbeat<T>(fn: () => Promise<T>, everyMs = 2_000): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return fn();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
