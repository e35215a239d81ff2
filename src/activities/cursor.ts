import type { Pool, PoolClient } from '../db/pool';
import { runScript, withClient, withTransaction } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { compensationRefused, guardRefused } from './failures';
import { withHeartbeat } from './heartbeat';
import type { CursorInput, CursorResult, CursorRow } from './types';

async function readRow(client: PoolClient, cursorName: string): Promise<CursorRow> {
  const row = (await runScript<CursorRow>(client, sqlFile('cursor/read.sql'), [cursorName])).rows[0];
  if (!row) throw guardRefused(`scan cursor ${cursorName} does not exist`);
  return row;
}

/** The cursor as it is before the scan: the compare half of the later compare-and-set, and what a revert restores. */
export async function readCursor(pool: Pool, cursorName: string): Promise<CursorRow> {
  return withClient(pool, (client) => readRow(client, cursorName));
}

export async function advanceCursor(pool: Pool, input: CursorInput): Promise<CursorResult> {
  const lock = sqlFile('lock.sql');
  const apply = sqlFile('cursor/apply.sql');
  const ran = executed([lock, apply]);
  const from = input.from.snapshot_ref;
  return withHeartbeat(() => withTransaction(pool, async (client) => {
    await runScript(client, lock);
    const moved = await runScript(client, apply, [input.cursorName, from, input.to, input.rolloutId]);
    if ((moved.rowCount ?? 0) === 1) return { changed: true, current: input.to, ...ran };
    const now = await readRow(client, input.cursorName);
    // Already where this rollout puts it: a retry after commit, or a re-run over the same snapshot.
    if (now.snapshot_ref === input.to && (from === input.to || now.advanced_by_rollout === input.rolloutId)) {
      return { changed: false, current: now.snapshot_ref, ...ran };
    }
    throw guardRefused(
      `scan cursor ${input.cursorName} moved meanwhile: expected ${from ?? 'null'}, found ${now.snapshot_ref ?? 'null'}`,
    );
  }));
}

export async function revertCursor(pool: Pool, input: CursorInput): Promise<CursorResult> {
  const lock = sqlFile('lock.sql');
  const revert = sqlFile('cursor/revert.sql');
  const ran = executed([lock, revert]);
  const { snapshot_ref, previous_snapshot_ref, advanced_by_rollout, advanced_at } = input.from;
  return withHeartbeat(() => withTransaction(pool, async (client) => {
    await runScript(client, lock);
    const back = await runScript(client, revert, [
      input.cursorName, input.to, input.rolloutId, snapshot_ref, previous_snapshot_ref, advanced_by_rollout, advanced_at,
    ]);
    if ((back.rowCount ?? 0) === 1) return { changed: true, current: snapshot_ref, ...ran };
    const now = await readRow(client, input.cursorName);
    if (now.advanced_by_rollout !== input.rolloutId) {
      // Never advanced by this rollout, or already put back: nothing of ours to undo.
      return { changed: false, current: now.snapshot_ref, ...ran };
    }
    throw compensationRefused(
      `scan cursor ${input.cursorName} was moved after this rollout advanced it (now ${now.snapshot_ref ?? 'null'}): put it back by hand`,
    );
  }));
}
