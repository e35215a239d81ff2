// The one shape of a step (pgroll's Operation, Sqitch's deploy/verify/revert): what it checks before the
// gate is trusted, what it writes, what it declares and verifies, how it is undone, and every SQL it runs.
import type { Pool, PoolClient } from '../db/pool';
import type { SqlScript } from '../db/sql';
import type { Executed, FootprintProof, Metrics, StepInput, StepName, StepNumbers, StepProgress } from '../shared';

export type Detail = StepProgress['detail'];

/** One precondition the plan and the preflight show. */
export interface Check {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
  note: string;
}

/** What a step would change, for the plan. */
export interface Change {
  step: 'gate' | StepName | 'phase3';
  automated: boolean;
  summary: string;
}

/** A step's run: where, for which rollout, with the rollout's validated input. */
export interface StepRun {
  pool: Pool;
  rolloutId: string;
  input: StepInput;
}

/** A step applied: what it executed, its detail, the proof of what it wrote, and the numbers it read after it. */
export interface Applied extends Executed {
  detail: Detail;
  footprint: FootprintProof;
  after: StepNumbers;
}

/** A step undone: rows (or cursor moves) undone, its detail, the proof of what the compensation wrote. */
export interface Undone extends Executed {
  undone: number;
  detail: Detail;
  footprint: FootprintProof;
}

export interface Step {
  name: StepName;
  /** Every script its apply may run, in order: the evidence's digest, the plan and what it executed all read this. */
  manifest(input: StepInput): SqlScript[];
  /** Every script its compensation runs. */
  revertManifest: SqlScript[];
  /** Its preconditions and what it would change, read only, on the preflight's (or the plan's) session. */
  inspect(client: PoolClient, input: StepInput, now: Metrics): Promise<{ checks: Check[]; changes: Change[] }>;
  /** Self-guarded, idempotent, verified and footprint-proven before it commits. */
  apply(run: StepRun): Promise<Applied>;
  /** Undoes exactly the rows the ledger records as this rollout's; proven the same way. */
  revert(run: StepRun): Promise<Undone>;
  /** What remains of the rows the ledger records for it, per relation. */
  remains: SqlScript;
}
