// A step's write transaction, the same for every step: under the rollout lock, the step writes and
// records its ledger; before COMMIT its footprint is proven and the packet's numbers are measured and
// verified in the same snapshot. Anything off rolls the whole transaction back: nothing is written.
import { footprintOf, type Footprinted } from '../db/footprint';
import { takeRolloutLock } from '../db/lock';
import { measureOn } from '../db/measure';
import { withTransaction, type PoolClient } from '../db/pool';
import { sqlFile, type SqlScript } from '../db/sql';
import type { FootprintProof, Metrics } from '../shared';
import { phase3Mismatches } from './expectations';
import { Refusal } from './refusal';
import type { StepRun } from './types';

export const FOOTPRINT_SQL: SqlScript = sqlFile('footprint/transaction.sql');
export const MEASURE_SQL: SqlScript = sqlFile('metrics/measure.sql');

export interface StepWrite<R> extends Footprinted<R> {
  /**
   * What is off in the numbers after the write; empty when it matches the packet. Without it the numbers are
   * not read here: a transaction whose rows are verified only after another commits (production's script).
   */
  verify?: (after: Metrics) => string[];
}

export function verificationFailed(problems: string[], committed: boolean): Refusal {
  const how = committed ? 'after it committed' : 'before COMMIT, rolled back, nothing written';
  return new Refusal('VerificationFailed', `verification failed ${how}: ${problems.join('; ')}`);
}

/** The packet's numbers are verified, and Phase 3 is still off, or the write is refused. */
export function verifyAfter(
  run: StepRun,
  after: Metrics,
  verify: ((after: Metrics) => string[]) | undefined,
  committed: boolean,
): void {
  const problems = [...(verify?.(after) ?? []), ...phase3Mismatches(run.input.expected, after)];
  if (problems.length > 0) throw verificationFailed(problems, committed);
}

export async function stepTransaction<R>(
  run: StepRun,
  fn: (client: PoolClient) => Promise<StepWrite<R>>,
): Promise<{ result: R; footprint: FootprintProof; after: Metrics | null }> {
  return withTransaction(run.pool, async (client) => {
    const prove = await footprintOf(client);
    await takeRolloutLock(client);
    const write = await fn(client);
    const footprint = await prove(write.declared);
    if (!write.verify) return { result: write.result, footprint, after: null };
    const after = await measureOn(client, run.input.apr);
    verifyAfter(run, after, write.verify, false);
    return { result: write.result, footprint, after };
  });
}

/** The numbers of a transaction that verified them: always measured there. */
export function measured(after: Metrics | null): Metrics {
  if (!after) throw new Error('a verified step transaction measured no numbers');
  return after;
}
