// A step's write transaction, the same for every step: under the rollout lock, the step writes and
// records its ledger; before COMMIT its footprint is proven and the packet's numbers it can move, and
// Phase 3's, are measured and verified in the same snapshot. Anything off rolls the whole transaction
// back: nothing is written.
import { footprintOf, type Footprinted } from '../db/footprint';
import { takeRolloutLock } from '../db/lock';
import { measureOn, measurePhase3On } from '../db/measure';
import { withTransaction, type PoolClient } from '../db/pool';
import { sqlFile, type SqlScript } from '../db/sql';
import type { FootprintProof, Metrics, StepNumbers } from '../shared';
import { phase3Mismatches } from './expectations';
import { Refusal } from './refusal';
import type { StepRun } from './types';

export const FOOTPRINT_SQL: SqlScript = sqlFile('footprint/transaction.sql');
export const MEASURE_SQL: SqlScript = sqlFile('metrics/measure.sql');

/**
 * What a step verifies before COMMIT, and so which of the packet's numbers it reads: every number, for the
 * step that moves them (the seed); Phase 3's alone with its own checks, for a step whose footprint proves it
 * writes none of the tables the others count (the scan, the cursor), so none is read twice.
 */
export type Verify =
  { numbers: 'every'; problems: (after: Metrics) => string[] } | { numbers: 'phase3'; problems: () => string[] };

export interface StepWrite<R> extends Footprinted<R> {
  /**
   * What is off after the write; empty when it matches the packet. Without it the numbers are not read
   * here: a transaction whose rows are verified only after another commits (production's script).
   */
  verify?: Verify;
}

export function verificationFailed(problems: string[], committed: boolean): Refusal {
  const how = committed ? 'after it committed' : 'before COMMIT, rolled back, nothing written';
  return new Refusal('VerificationFailed', `verification failed ${how}: ${problems.join('; ')}`);
}

/** The step's own problems, and Phase 3 still off, or the write is refused. */
export function verifyAfter(run: StepRun, after: StepNumbers, problems: string[], committed: boolean): void {
  const all = [...problems, ...phase3Mismatches(run.input.expected, after)];
  if (all.length > 0) throw verificationFailed(all, committed);
}

async function readAndVerify(client: PoolClient, run: StepRun, verify: Verify): Promise<StepNumbers> {
  if (verify.numbers === 'every') {
    const after = await measureOn(client, run.input.apr);
    verifyAfter(run, after, verify.problems(after), false);
    return after;
  }
  const after = await measurePhase3On(client, run.input.apr);
  verifyAfter(run, after, verify.problems(), false);
  return after;
}

export async function stepTransaction<R>(
  run: StepRun,
  fn: (client: PoolClient) => Promise<StepWrite<R>>,
): Promise<{ result: R; footprint: FootprintProof; after: StepNumbers | null }> {
  return withTransaction(run.pool, async (client) => {
    const prove = await footprintOf(client);
    await takeRolloutLock(client);
    const write = await fn(client);
    const footprint = await prove(write.declared);
    if (!write.verify) return { result: write.result, footprint, after: null };
    return { result: write.result, footprint, after: await readAndVerify(client, run, write.verify) };
  });
}

/** The numbers of a transaction that verified them: always measured there. */
export function measured(after: StepNumbers | null): StepNumbers {
  if (!after) throw new Error('a verified step transaction measured no numbers');
  return after;
}
