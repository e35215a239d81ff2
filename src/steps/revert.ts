// The compensation of a step whose rows the ledger keys (the seed, the scan): its revert script's DELETEs,
// in file order, under the rollout lock, in one step transaction, then its ledger entries marked reverted.
// Each DELETE removes only rows the ledger records as this rollout's: idempotent, harmless when the step
// wrote nothing. Before it commits: none of those rows remains, and the transaction deleted exactly what
// its statements report and wrote nothing else (a cascade or a trigger anywhere refuses it).
import { runScript, runScriptCounts, runScriptRows, withClient, type PoolClient } from '../db/pool';
import { executed, sqlFile, type SqlScript } from '../db/sql';
import { declare } from '../shared/footprint';
import type { StepName } from '../shared/progress';
import { ledgerEntries } from './ledger';
import { compensationRefused } from './refusal';
import { stepTransaction } from './transaction';
import type { Step, StepRun, Undone } from './types';

/** What remains of a step's rows that the ledger records as this rollout's (reverted or not), per relation. */
export async function remainsOf(
  client: PoolClient,
  remains: SqlScript,
  rolloutId: string,
): Promise<{ relation: string; rows: number }[]> {
  const rows = await runScriptRows<{ relation: string; rows: number }>(client, remains, [rolloutId]);
  return rows.filter((r) => r.rows > 0);
}

export async function revertMarked(
  run: StepRun,
  step: Extract<StepName, 'seed' | 'scan'>,
  revert: SqlScript,
): Promise<Undone> {
  const bind = sqlFile('ledger/bind.sql');
  const reverted = sqlFile('ledger/reverted.sql');
  const remains = sqlFile(`${step}/remains.sql`);
  const done = await stepTransaction(run, async (client) => {
    await runScript(client, bind, [run.rolloutId]);
    const gone = await runScriptRows<{ relation: string; deleted: number }>(client, revert);
    const left = await remainsOf(client, remains, run.rolloutId);
    if (left.length > 0) {
      throw compensationRefused(
        `${step} compensation left rows the ledger records as this rollout's: ` +
          `${left.map((r) => `${r.relation} ${r.rows}`).join(', ')}; nothing was undone`,
      );
    }
    const [writtenReverted, doneReverted] = await runScriptCounts(client, reverted, [step]);
    return {
      result: gone.reduce((a, g) => a + g.deleted, 0),
      declared: [
        ...gone.map((g) => declare(g.relation, { delete: g.deleted }, 'its revert statements report')),
        ...ledgerEntries({ writtenReverted, doneReverted }),
      ],
    };
  });
  const ran = executed([bind, revert, remains, reverted]);
  return {
    undone: done.result,
    detail: { deleted: done.result, sqlSha256: ran.sqlSha256 },
    ...ran,
    footprint: done.footprint,
  };
}

/**
 * After every compensation: what remains anywhere of the rows this rollout's ledger records. Each step's
 * own proof already showed that nothing outside its footprint ever committed, so empty means the whole
 * undo, at the cost of the rollout's own rows, however large and live the tables around them.
 */
export async function remainsOfRollout(
  run: Pick<StepRun, 'pool' | 'rolloutId'>,
  steps: Step[],
): Promise<{ relation: string; rows: number }[]> {
  return withClient(run.pool, async (client) => {
    const left: { relation: string; rows: number }[] = [];
    for (const step of steps) left.push(...(await remainsOf(client, step.remains, run.rolloutId)));
    return left;
  });
}
