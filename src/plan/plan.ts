// The dry run: the contract and every guard a rollout would meet, read from the live database, writing nothing.
import { inspectRollout, type Inspection } from '../steps/preflight';
import { createPool, withTransaction, type Pool } from '../db/pool';
import type { RolloutInput } from '../shared';

export type { Change, Check } from '../steps/types';

export interface Plan extends Inspection {
  target: string;
  apr: string;
  /** Checked with default_transaction_read_only=on: PostgreSQL itself refuses any write of the plan. */
  readOnly: true;
  /** The operator's own seed script, when given: run whole by psql, so only its digest is shown here. */
  seedScript: RolloutInput['seedScript'] | null;
}

/**
 * A pool whose every transaction is READ ONLY, set as a connection parameter so it holds for every
 * read of the plan, before any statement runs.
 */
export function readOnlyPool(databaseUrl: string): Pool {
  return createPool(databaseUrl, { max: 2, options: '-c default_transaction_read_only=on' });
}

export async function planRollout(
  pool: Pool,
  input: RolloutInput,
  options: { workerRole?: string } = {},
): Promise<Plan> {
  const inspection = await withTransaction(pool, (client) => inspectRollout(client, input, options));
  return { ...inspection, target: input.target, apr: input.apr, readOnly: true, seedScript: input.seedScript ?? null };
}
