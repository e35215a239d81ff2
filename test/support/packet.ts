import { emptyStep, type Metrics, type StepName, type StepProgress } from '../../src/shared/progress';

// The packet's acceptance numbers on the clone, as the tests check them.

/** After the seed: own 0 -> 30, gap 210 -> 0, conflict 0, gov_emit 0, 30 direct + 210 inherited, coverage 100 %. */
export const PACKET_SEEDED = {
  own: 30,
  gap: 0,
  conflict: 0,
  gov_emit: 0,
  direct: 30,
  inherited: 210,
  coverage_pct: 100,
};

/** Each step's detail after a rollout with the scan: 30 rows seeded, 5 + 35 candidates, the cursor moved. */
export const PACKET_STEP_DETAILS = [{ inserted: 30 }, { candidate_state: 5, candidate_object: 35 }, { changed: true }];

/** The packet's numbers after the seed, as measure reads them with the APR ratified once. */
export const SEEDED_METRICS: Metrics = { ospa: 1, gov_types_active: 0, ...PACKET_SEEDED };

/** A step as progress records it, nothing done unless said. */
export function stepOf(name: StepName, over: Partial<StepProgress> = {}): StepProgress {
  return { ...emptyStep(name), ...over };
}
