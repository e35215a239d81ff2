import { withFootprint, type Unproven } from '../db/footprint';
import type { Pool, PoolClient } from '../db/pool';
import { runScript, runScriptCounts, withClient } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { declare } from '../shared/footprint';
import { ledgerEntries } from './footprints';
import { compensationRefused, guardRefused } from './failures';
import { withHeartbeat } from './heartbeat';
import { takeRolloutLock } from './lock';
import type { CursorInput, CursorResult, CursorRow } from './types';

async function readRow(client: PoolClient, cursorName: string): Promise<CursorRow> {
  const row = (await runScript<CursorRow>(client, sqlFile('cursor/read.sql'), [cursorName])).rows[0];
  if (!row) throw guardRefused(`scan_cursor has no row ${cursorName}: create it, or name the cursor the scanner uses`);
  return row;
}

/** The cursor as it is before the scan: the compare half of the later compare-and-set, and what a revert restores. */
export async function readCursor(pool: Pool, cursorName: string): Promise<CursorRow> {
  return withClient(pool, (client) => readRow(client, cursorName));
}

const CURSOR = 'scan_cursor';

export async function advanceCursor(pool: Pool, input: CursorInput): Promise<CursorResult> {
  const lock = sqlFile('lock.sql');
  const step = sqlFile('ledger/step.sql');
  const apply = sqlFile('cursor/apply.sql');
  const done = sqlFile('ledger/done.sql');
  const ran = executed([lock, step, apply, done, sqlFile('footprint/transaction.sql')]);
  const from = input.from.snapshot_ref;
  return withHeartbeat(() => withFootprint<Unproven<CursorResult>>(pool, async (client) => {
    await takeRolloutLock(client);
    // A retry after commit reads its own ledger entry: the cursor may have moved on since, by others.
    const earlier = (await runScript<{ result: { changed: boolean; current: string } }>(client, step, [input.rolloutId, 'cursor'])).rows[0];
    if (earlier) return { result: { changed: earlier.result.changed, current: earlier.result.current, ...ran }, declared: [] };
    const moved = await runScript(client, apply, [input.cursorName, from, input.to, input.rolloutId]);
    const changed = (moved.rowCount ?? 0) === 1;
    if (!changed) {
      const now = await readRow(client, input.cursorName);
      // Already where this rollout puts it: a re-run over the same snapshot.
      if (!(now.snapshot_ref === input.to && from === input.to)) {
        throw guardRefused(
          `scan_cursor ${input.cursorName} moved meanwhile: expected ${from ?? 'null'}, found ${now.snapshot_ref ?? 'null'}`,
        );
      }
    }
    await runScript(client, done, [input.rolloutId, 'cursor', JSON.stringify({ changed, current: input.to })]);
    return {
      result: { changed, current: input.to, ...ran },
      declared: [
        declare(CURSOR, { update: changed ? 1 : 0 }, 'the ledger records', { atMost: { update: 1 } }),
        ...ledgerEntries({ written: changed ? 1 : 0, done: 1 }),
      ],
    };
  }));
}

export async function revertCursor(pool: Pool, input: CursorInput): Promise<CursorResult> {
  const lock = sqlFile('lock.sql');
  const bind = sqlFile('ledger/bind.sql');
  const revert = sqlFile('cursor/revert.sql');
  const status = sqlFile('cursor/status.sql');
  const reverted = sqlFile('ledger/reverted.sql');
  const ran = executed([lock, bind, revert, status, reverted, sqlFile('footprint/transaction.sql')]);
  return withHeartbeat(() => withFootprint<Unproven<CursorResult>>(pool, async (client) => {
    await takeRolloutLock(client);
    await runScript(client, bind, [input.rolloutId]);
    const back = await runScript<{ snapshot_ref: string | null }>(client, revert);
    const restored = (back.rowCount ?? 0) === 1;
    const putBack = declare(CURSOR, { update: restored ? 1 : 0 }, 'its revert statement reports', { atMost: { update: 1 } });
    if (restored) {
      const [writtenReverted, doneReverted] = await runScriptCounts(client, reverted, ['cursor']);
      return { result: { changed: true, current: back.rows[0]?.snapshot_ref ?? null, ...ran }, declared: [putBack, ...ledgerEntries({ writtenReverted, doneReverted })] };
    }
    const advanced = (await runScript<{ advanced: boolean }>(client, status, [input.rolloutId])).rows[0]?.advanced;
    const now = await readRow(client, input.cursorName);
    if (!advanced) {
      // Never advanced by this rollout, or already put back: nothing of ours to undo.
      const [writtenReverted, doneReverted] = await runScriptCounts(client, reverted, ['cursor']);
      return { result: { changed: false, current: now.snapshot_ref, ...ran }, declared: ledgerEntries({ writtenReverted, doneReverted }) };
    }
    throw compensationRefused(
      `scan_cursor ${input.cursorName} was moved after this rollout advanced it (now ${now.snapshot_ref ?? 'null'}): put it back by hand`,
    );
  }));
}
