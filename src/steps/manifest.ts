// What the rollout's code runs for each step, by digest, whatever path a run takes through it: the
// evidence records these, and a production run requires its rehearsal to have run the very same.
import { CONTRACT } from '../contract/contract';
import { executed, sha256 } from '../db/sql';
import { canonical } from '../evidence/seal';
import type { PlannedSql } from '../evidence/packet';
import type { RolloutInput } from '../shared/input';
import { runsStep } from '../shared/progress';
import { STEPS, stepNamed } from './index';

export function plannedSql(input: RolloutInput): PlannedSql {
  const of = (name: 'seed' | 'scan' | 'cursor') => {
    const step = stepNamed(name);
    return runsStep(name, input) ? executed(step.manifest(input)).sqlSha256 : null;
  };
  return {
    contract: sha256(canonical(CONTRACT)),
    seed: of('seed') ?? '',
    scan: of('scan'),
    cursor: of('cursor'),
    compensation: executed(STEPS.flatMap((s) => s.revertManifest)).sqlSha256,
  };
}
