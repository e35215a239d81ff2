import type { Pool, PoolClient } from '../db/pool';
import { runScript, withClient, withTransaction } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { compensationRefused, guardRefused } from './failures';
import type { CursorInput, CursorResult } from './types';

interface CursorRow {
  snapshot_ref: string | null;
  advanced_by_rollout: string | null;
}

async function readRow(client: PoolClient, cursorName: string): Promise<CursorRow> {
  const row = (await runScript<CursorRow>(client, sqlFile('cursor/read.sql'), [cursorName])).rows[0];
  if (!row) throw guardRefused(`scan cursor ${cursorName} does not exist`);
  return row;
}

/** The cursor's value before the scan: the compare half of the later compare-and-set. */
export async function readCursor(pool: Pool, cursorName: string): Promise<{ snapshotRef: string | null }> {
  return withClient(pool, async (client) => ({ snapshotRef: (await readRow(client, cursorName)).snapshot_ref }));
}

export async function advanceCursor(pool: Pool, input: CursorInput): Promise<CursorResult> {
  const lock = sqlFile('lock.sql');
  const apply = sqlFile('cursor/apply.sql');
  const ran = executed([lock, apply]);
  return withTransaction(pool, async (client) => {
    await runScript(client, lock);
    const moved = await runScript(client, apply, [input.cursorName, input.from, input.to, input.rolloutId]);
    if ((moved.rowCount ?? 0) === 1) return { changed: true, current: input.to, ...ran };
    const now = await readRow(client, input.cursorName);
    // Already where this rollout puts it: a retry after commit, or a re-run over the same snapshot.
    if (now.snapshot_ref === input.to && (input.from === input.to || now.advanced_by_rollout === input.rolloutId)) {
      return { changed: false, current: now.snapshot_ref, ...ran };
    }
    throw guardRefused(
      `scan cursor ${input.cursorName} moved meanwhile: expected ${input.from ?? 'null'}, found ${now.snapshot_ref ?? 'null'}`,
    );
  });
}

export async function revertCursor(pool: Pool, input: CursorInput): Promise<CursorResult> {
  const lock = sqlFile('lock.sql');
  const revert = sqlFile('cursor/revert.sql');
  const ran = executed([lock, revert]);
  return withTransaction(pool, async (client) => {
    await runScript(client, lock);
    const back = await runScript(client, revert, [input.cursorName, input.from, input.to, input.rolloutId]);
    if ((back.rowCount ?? 0) === 1) return { changed: true, current: input.from, ...ran };
    const now = await readRow(client, input.cursorName);
    if (now.advanced_by_rollout !== input.rolloutId) {
      // Never advanced by this rollout (or already put back): nothing of ours to undo.
      return { changed: false, current: now.snapshot_ref, ...ran };
    }
    throw compensationRefused(
      `scan cursor ${input.cursorName} was moved after this rollout advanced it (now ${now.snapshot_ref ?? 'null'}): put it back by hand`,
    );
  });
}
