// Activity wrappers that put a real activity in a chosen situation; the real SQL still runs.
import { Context } from '@temporalio/activity';
import type { Applied, RolloutActivities, StepCall, Undone } from '../../src/activities';
import type { StepName } from '../../src/shared';

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

type Wrapper = (real: RolloutActivities) => Partial<RolloutActivities>;
type StepActivity = RolloutActivities['applyStep'];

function around(
  activity: 'applyStep' | 'revertStep',
  name: StepName,
  fn: (real: () => Promise<Applied & Undone>, call: StepCall) => Promise<unknown>,
): Wrapper {
  return (real) => ({
    [activity]: (call: StepCall) =>
      call.step === name
        ? fn(() => (real[activity] as StepActivity)(call) as Promise<Applied & Undone>, call)
        : (real[activity] as StepActivity)(call),
  });
}

/** One step's apply in a chosen situation (held, delayed, followed by a change); the other steps run as they are. */
export function onApply(
  name: StepName,
  fn: (real: () => Promise<Applied>, call: StepCall) => Promise<unknown>,
): Wrapper {
  return around('applyStep', name, fn);
}

/** One step's compensation in a chosen situation. */
export function onRevert(
  name: StepName,
  fn: (real: () => Promise<Undone>, call: StepCall) => Promise<unknown>,
): Wrapper {
  return around('revertStep', name, fn);
}

/**
 * Several wrappers at once (they must touch different steps of the same activity only through `onApply`'s own
 * dispatch). */
export function wrapAll(...wrappers: Wrapper[]): Wrapper {
  return (real) => {
    let acts: RolloutActivities = real;
    for (const wrap of wrappers) acts = { ...acts, ...wrap(acts) };
    return acts;
  };
}
