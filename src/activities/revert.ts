import { withFootprint, type Unproven } from '../db/footprint';
import type { Pool, PoolClient } from '../db/pool';
import { runScript, runScriptCounts, runScriptRows, withClient } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { declare } from '../shared/footprint';
import { compensationRefused } from './failures';
import { ledgerEntries } from './footprints';
import { withHeartbeat } from './heartbeat';
import { takeRolloutLock } from './lock';
import type { RevertResult } from './types';

export type StepName = 'seed' | 'scan' | 'cursor';

/** What remains of a step's rows that the ledger records as this rollout's, per relation (zeros left out). */
export async function remainsOf(client: PoolClient, step: StepName, rolloutId: string): Promise<{ relation: string; rows: number }[]> {
  const rows = await runScriptRows<{ relation: string; rows: number }>(client, sqlFile(`${step}/remains.sql`), [rolloutId]);
  return rows.filter((r) => r.rows > 0);
}

/**
 * Runs a revert script's DELETEs, in file order, under the rollout lock, in one transaction, then marks
 * the step's ledger entries reverted. Each script removes only rows the ledger records as this rollout's,
 * so it is idempotent and harmless for a step that wrote nothing. Before it commits: none of those rows
 * remains, and the transaction deleted exactly what its statements report and wrote nothing else (a
 * cascade or a trigger's write anywhere rolls the compensation back, and it is refused).
 */
export async function revertMarked(pool: Pool, step: 'seed' | 'scan', scriptName: string, rolloutId: string): Promise<RevertResult> {
  const lock = sqlFile('lock.sql');
  const revert = sqlFile(scriptName);
  const bind = sqlFile('ledger/bind.sql');
  const reverted = sqlFile('ledger/reverted.sql');
  const remains = sqlFile(`${step}/remains.sql`);
  return withHeartbeat(() =>
    withFootprint<Unproven<RevertResult>>(pool, async (client) => {
      await takeRolloutLock(client);
      await runScript(client, bind, [rolloutId]);
      const gone = await runScriptRows<{ relation: string; deleted: number }>(client, revert);
      const left = await remainsOf(client, step, rolloutId);
      if (left.length > 0) {
        throw compensationRefused(
          `${step} compensation left rows the ledger records as this rollout's: ${left.map((r) => `${r.relation} ${r.rows}`).join(', ')}; nothing was undone`,
        );
      }
      const [writtenReverted, doneReverted] = await runScriptCounts(client, reverted, [step]);
      return {
        result: {
          deleted: gone.reduce((a, g) => a + g.deleted, 0),
          ...executed([lock, bind, revert, remains, reverted, sqlFile('footprint/transaction.sql')]),
        },
        declared: [
          ...gone.map((g) => declare(g.relation, { delete: g.deleted }, 'its revert statements report')),
          ...ledgerEntries({ writtenReverted, doneReverted }),
        ],
      };
    }),
  );
}

/**
 * After every compensation: what remains anywhere of the rows this rollout's ledger records. Each step's
 * own proof already showed that nothing outside its footprint ever committed, so empty means the whole
 * undo, at the cost of the rollout's own rows, however large and live the tables around them.
 */
export async function remainsOfRollout(pool: Pool, rolloutId: string, scan: boolean): Promise<{ relation: string; rows: number }[]> {
  const steps: StepName[] = scan ? ['seed', 'scan', 'cursor'] : ['seed'];
  return withClient(pool, async (client) => {
    const left: { relation: string; rows: number }[] = [];
    for (const step of steps) left.push(...(await remainsOf(client, step, rolloutId)));
    return left;
  });
}
