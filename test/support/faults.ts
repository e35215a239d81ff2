// Activity wrappers that put a real activity in a chosen situation; the real SQL still runs.
import { Context } from '@temporalio/activity';

/** Heartbeats until the workflow cancels this activity, then fails with the cancellation. */
export async function holdUntilCancelled(): Promise<never> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), 200);
  try {
    await ctx.cancelled;
    throw new Error('unreachable: cancelled always rejects');
  } finally {
    clearInterval(timer);
  }
}

export function attempt(): number {
  return Context.current().info.attempt;
}

/** Holds the nth call of an activity (1-based); the other calls run the real one. */
export function holdNthCall<I, O>(real: (input: I) => Promise<O>, n: number): (input: I) => Promise<O> {
  let calls = 0;
  return async (input: I) => {
    calls += 1;
    if (calls === n) return holdUntilCancelled();
    return real(input);
  };
}
