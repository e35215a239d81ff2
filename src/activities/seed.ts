import type { Pool } from '../db/pool';
import { runScript, withTransaction } from '../db/pool';
import { executed, SEED_SCRIPT, sqlFile, sqlSection } from '../db/sql';
import { guardRefused } from './failures';
import { withHeartbeat } from './heartbeat';
import { revertMarked } from './revert';
import type { RevertResult, RolloutRef, SeedInput, SeedResult } from './types';

/**
 * Phase 1: the guard and apply sections of the packet's seed script, in one transaction under
 * the rollout lock. A retry after a commit finds the rows it marked for this APR and writes nothing.
 */
export async function applySeed(pool: Pool, input: SeedInput): Promise<SeedResult> {
  const lock = sqlFile('lock.sql');
  const status = sqlFile('seed/status.sql');
  const settings = sqlFile('seed/settings.sql');
  const guard = sqlSection(SEED_SCRIPT, 'guard');
  const apply = sqlSection(SEED_SCRIPT, 'apply');
  return withHeartbeat(() =>
    withTransaction(pool, async (client) => {
      await runScript(client, lock);
      const { rows } = await runScript<{ rows_for_apr: number }>(client, status, [input.apr]);
      const present = rows[0]?.rows_for_apr ?? 0;
      if (present > 0) {
        if (present !== input.expected.seedRows) {
          throw guardRefused(
            `seed rows for ${input.apr} already exist but ${present} of them, not ${input.expected.seedRows}: refusing to touch them`,
          );
        }
        return { inserted: 0, alreadyPresent: true, ...executed([lock, status]) };
      }
      const { gap, own, conflict } = input.expected;
      await runScript(client, settings, [input.apr, input.rolloutId, String(gap), String(own), String(conflict)]);
      await runScript(client, guard);
      const inserted = await runScript(client, apply);
      return { inserted: inserted.rowCount ?? 0, alreadyPresent: false, ...executed([lock, status, settings, guard, apply]) };
    }),
  );
}

/** The packet's rollback, for this rollout's rows only: running it when nothing was written is harmless. */
export async function revertSeed(pool: Pool, input: RolloutRef): Promise<RevertResult> {
  return revertMarked(pool, 'seed/revert.sql', input.rolloutId);
}
