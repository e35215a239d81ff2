// The Temporal adapter: every activity a rollout calls, over the steps (src/steps) and the database
// library (src/db). Each checks that it serves the rollout's target and maps failures onto Temporal's
// retry semantics (./failures); nothing else lives here.
import { identifyTarget, measure, readGate } from '../db/measure';
import { stepNamed, stepsFor } from '../steps';
import { preflight, type PreflightResult } from '../steps/preflight';
import { remainsOfRollout } from '../steps/revert';
import type { Applied, StepRun, Undone } from '../steps/types';
import type { Metrics, RolloutInput, StepInput } from '../shared';
import { recordEvidence, type EvidenceInput, type StoredEvidence } from '../db/evidence';
import { plannedSql } from '../steps/manifest';
import { classify, targetMismatch } from './failures';
import { withHeartbeat } from './heartbeat';
import { notify, type Notification } from './notify';
import { otherRollouts } from './running';
import type { ActivityDeps, StepCall, Targeted } from './types';

export type * from './types';
export type { Notification, NotifyEvent } from './notify';
export type { PreflightResult } from '../steps/preflight';
export type { EvidenceInput, StoredEvidence } from '../db/evidence';
export type { RunningRollout } from './running';
export type { Applied, Undone } from '../steps/types';

/** After every compensation: the numbers, and what remains of the rows the rollout's ledger records. */
export interface AfterUndo {
  metrics: Metrics;
  remains: { relation: string; rows: number }[];
}

/**
 * All I/O of a rollout. The worker builds these once with its own pool and target;
 * workflows only `import type` this module.
 */
export function createActivities(deps: ActivityDeps) {
  const { pool } = deps;
  function activity<I extends Targeted, O>(fn: (input: I) => Promise<O>): (input: I) => Promise<O> {
    return async (input: I) => {
      if (input.target !== deps.target) throw targetMismatch(deps.target, input.target);
      try {
        return await fn(input);
      } catch (err) {
        throw classify(err);
      }
    };
  }
  const run = (call: StepCall): StepRun => ({ pool, rolloutId: call.rolloutId, input: call.input });
  return {
    readGate: activity((i: Targeted & { apr: string }) => readGate(pool, i.apr)),
    measure: activity((i: Targeted & { apr: string }): Promise<Metrics> => measure(pool, i.apr)),
    identifyTarget: activity((_: Targeted) => identifyTarget(pool)),
    otherRollouts: activity((i: Targeted & { identity: string }) => otherRollouts(i.identity)),
    preflight: activity((i: RolloutInput): Promise<PreflightResult> => preflight(pool, i)),
    applyStep: activity((i: StepCall): Promise<Applied> => withHeartbeat(() => stepNamed(i.step).apply(run(i)))),
    revertStep: activity((i: StepCall): Promise<Undone> => withHeartbeat(() => stepNamed(i.step).revert(run(i)))),
    afterUndo: activity(async (i: Targeted & { rolloutId: string; input: StepInput }): Promise<AfterUndo> => ({
      metrics: await measure(pool, i.input.apr),
      remains: await remainsOfRollout({ pool, rolloutId: i.rolloutId }, stepsFor(i.input)),
    })),
    notify: activity((i: Notification) => notify(deps.notifier ?? {}, i)),
    recordEvidence: activity((i: Targeted & EvidenceInput): Promise<StoredEvidence> =>
      recordEvidence(pool, i, plannedSql(i.input), deps.workerBuild ?? null),
    ),
  };
}

export type RolloutActivities = ReturnType<typeof createActivities>;
