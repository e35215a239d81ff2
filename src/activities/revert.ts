import type { Pool } from '../db/pool';
import { runScript, runScriptCounts, withTransaction } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { withHeartbeat } from './heartbeat';
import type { RevertResult } from './types';

/**
 * Runs a revert script's DELETEs, in file order, under the rollout lock, in one transaction.
 * Each script removes only rows marked with the rollout id, so it is idempotent and harmless
 * for a step that wrote nothing.
 */
export async function revertMarked(pool: Pool, scriptName: string, rolloutId: string): Promise<RevertResult> {
  const lock = sqlFile('lock.sql');
  const revert = sqlFile(scriptName);
  return withHeartbeat(() =>
    withTransaction(pool, async (client) => {
      await runScript(client, lock);
      const counts = await runScriptCounts(client, revert, [rolloutId]);
      return { deleted: counts.reduce((a, b) => a + b, 0), ...executed([lock, revert]) };
    }),
  );
}
