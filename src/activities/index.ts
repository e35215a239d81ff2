import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../shared/errors';
import type { RolloutInput } from '../shared/input';
import type { Metrics } from '../shared/progress';
import { advanceCursor, readCursor, revertCursor } from './cursor';
import { classify } from './failures';
import { identifyTarget, measure, readGate } from './gate';
import { remainsOfRollout } from './revert';
import { otherRollouts } from './running';
import { recordEvidence, type EvidenceInput, type StoredEvidence } from './evidence';
import { notify, type Notification } from './notify';
import { preflight, type PreflightResult } from './preflight';
import { applyScan, revertScan } from './scan';
import { applySeed, revertSeed } from './seed';
import type {
  ActivityDeps,
  CursorInput,
  CursorResult,
  RevertResult,
  RolloutRef,
  ScanApplyInput,
  ScanResult,
  SeedInput,
  SeedResult,
  Targeted,
} from './types';

export type * from './types';
export type { Notification, NotifyEvent } from './notify';
export type { PreflightResult } from './preflight';
export type { EvidenceInput, StoredEvidence } from './evidence';
export type { RunningRollout } from './running';

/**
 * All I/O of a rollout. The worker builds these once with its own pool and target;
 * workflows only `import type` this module.
 */
export function createActivities(deps: ActivityDeps) {
  const { pool } = deps;
  function activity<I extends Targeted, O>(fn: (input: I) => Promise<O>): (input: I) => Promise<O> {
    return async (input: I) => {
      if (input.target !== deps.target) {
        throw ApplicationFailure.nonRetryable(
          `this worker serves target ${deps.target}, the rollout names ${input.target}`,
          ErrorType.TargetMismatch,
        );
      }
      try {
        return await fn(input);
      } catch (err) {
        throw classify(err);
      }
    };
  }
  return {
    readGate: activity((i: Targeted & { apr: string }) => readGate(pool, i.apr)),
    measure: activity((i: Targeted & { apr: string }): Promise<Metrics> => measure(pool, i.apr)),
    identifyTarget: activity((_: Targeted) => identifyTarget(pool)),
    otherRollouts: activity((i: Targeted & { identity: string }) => otherRollouts(i.identity)),
    preflight: activity((i: RolloutInput): Promise<PreflightResult> => preflight(pool, i)),
    applySeed: activity((i: SeedInput): Promise<SeedResult> => applySeed(pool, i)),
    revertSeed: activity((i: RolloutRef): Promise<RevertResult> => revertSeed(pool, i)),
    readCursor: activity((i: Targeted & { cursorName: string }) => readCursor(pool, i.cursorName)),
    applyScan: activity((i: ScanApplyInput): Promise<ScanResult> => applyScan(pool, i)),
    revertScan: activity((i: RolloutRef): Promise<RevertResult> => revertScan(pool, i)),
    remains: activity((i: RolloutRef & { scan: boolean }) => remainsOfRollout(pool, i.rolloutId, i.scan)),
    advanceCursor: activity((i: CursorInput): Promise<CursorResult> => advanceCursor(pool, i)),
    revertCursor: activity((i: CursorInput): Promise<CursorResult> => revertCursor(pool, i)),
    notify: activity((i: Notification) => notify(deps.notifier ?? {}, i)),
    recordEvidence: activity((i: Targeted & EvidenceInput): Promise<StoredEvidence> => recordEvidence(pool, i, deps.workerBuild ?? null)),
  };
}

export type RolloutActivities = ReturnType<typeof createActivities>;
