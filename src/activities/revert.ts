import type { Pool } from '../db/pool';
import { runScript, runScriptCounts, withTransaction } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { withHeartbeat } from './heartbeat';
import { takeRolloutLock } from './lock';
import type { RevertResult } from './types';

/**
 * Runs a revert script's DELETEs, in file order, under the rollout lock, in one transaction, then marks
 * the step's ledger entries reverted. Each script removes only rows the ledger records as this rollout's,
 * so it is idempotent and harmless for a step that wrote nothing.
 */
export async function revertMarked(pool: Pool, step: 'seed' | 'scan', scriptName: string, rolloutId: string): Promise<RevertResult> {
  const lock = sqlFile('lock.sql');
  const revert = sqlFile(scriptName);
  const bind = sqlFile('ledger/bind.sql');
  const reverted = sqlFile('ledger/reverted.sql');
  return withHeartbeat(() =>
    withTransaction(pool, async (client) => {
      await takeRolloutLock(client);
      await runScript(client, bind, [rolloutId]);
      const counts = await runScriptCounts(client, revert);
      await runScript(client, reverted, [step]);
      return { deleted: counts.reduce((a, b) => a + b, 0), ...executed([lock, bind, revert, reverted]) };
    }),
  );
}
