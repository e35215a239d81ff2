// The scan cursor advanced to the snapshot ref: a compare-and-set from the ref the scan found before it
// wrote (recorded with the scan in the ledger), and put back by the same compare-and-set, guarded.
import { runScript, runScriptCounts, type PoolClient } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { declare } from '../shared/footprint';
import type { StepInput, ScanInput } from '../shared/input';
import type { Metrics } from '../shared/progress';
import { cursorMismatches } from './expectations';
import { check, one } from './inspect';
import { ledgerEntries } from './ledger';
import { compensationRefused, guardRefused } from './refusal';
import { FOOTPRINT_SQL, MEASURE_SQL, measured, stepTransaction, type Verify } from './transaction';
import type { Applied, Step, StepRun, Undone } from './types';

const CURSOR = 'scan_cursor';

const sql = {
  step: sqlFile('ledger/step.sql'),
  read: sqlFile('cursor/read.sql'),
  apply: sqlFile('cursor/apply.sql'),
  done: sqlFile('ledger/done.sql'),
  bind: sqlFile('ledger/bind.sql'),
  revert: sqlFile('cursor/revert.sql'),
  status: sqlFile('cursor/status.sql'),
  reverted: sqlFile('ledger/reverted.sql'),
  remains: sqlFile('cursor/remains.sql'),
};

function scanOf(input: StepInput): ScanInput {
  if (!input.scan) throw new Error('the cursor step runs only with --scan');
  return input.scan;
}

async function readRow(client: PoolClient, cursorName: string): Promise<{ snapshot_ref: string | null }> {
  const row = (await runScript<{ snapshot_ref: string | null }>(client, sql.read, [cursorName])).rows[0];
  if (!row) throw guardRefused(`scan_cursor has no row ${cursorName}: create it, or name the cursor the scanner uses`);
  return row;
}

async function apply(run: StepRun): Promise<Applied> {
  const { input, rolloutId } = run;
  const { cursorName, snapshotRef: to } = scanOf(input);
  let from: string | null = null;
  const done = await stepTransaction<{ changed: boolean; current: string }>(run, async (client) => {
    const verify = (current: string): Verify => ({
      numbers: 'phase3',
      problems: () => cursorMismatches(to, { current }),
    });
    // A retry after commit reads its own ledger entry: the cursor may have moved on since, by others.
    const earlier = (
      await runScript<{ result: { changed: boolean; current: string } }>(client, sql.step, [rolloutId, 'cursor'])
    ).rows[0];
    const scanned = (await runScript<{ result: { cursorFrom?: string | null } }>(client, sql.step, [rolloutId, 'scan']))
      .rows[0];
    from = scanned?.result.cursorFrom ?? null;
    if (earlier) return { result: earlier.result, declared: [], verify: verify(earlier.result.current) };
    if (!scanned)
      throw guardRefused("the scan cursor moves only after this rollout's scan: the ledger holds no scan of it");
    const moved = await runScript(client, sql.apply, [cursorName, from, to, rolloutId]);
    const changed = (moved.rowCount ?? 0) === 1;
    if (!changed) {
      const now = await readRow(client, cursorName);
      // Already where this rollout puts it: a re-run over the same snapshot.
      if (!(now.snapshot_ref === to && from === to)) {
        throw guardRefused(
          `scan_cursor ${cursorName} moved meanwhile: expected ${from ?? 'null'}, found ${now.snapshot_ref ?? 'null'}`,
        );
      }
    }
    await runScript(client, sql.done, [rolloutId, 'cursor', JSON.stringify({ changed, current: to })]);
    return {
      result: { changed, current: to },
      declared: [
        declare(CURSOR, { update: changed ? 1 : 0 }, 'the ledger records', { atMost: { update: 1 } }),
        ...ledgerEntries({ written: changed ? 1 : 0, done: 1 }),
      ],
      verify: verify(to),
    };
  });
  return {
    detail: { from, to, changed: done.result.changed },
    ...executed(cursor.manifest(input)),
    footprint: done.footprint,
    after: measured(done.after),
  };
}

async function revert(run: StepRun): Promise<Undone> {
  const { cursorName } = scanOf(run.input);
  const done = await stepTransaction<{ changed: boolean; current: string | null }>(run, async (client) => {
    await runScript(client, sql.bind, [run.rolloutId]);
    const back = await runScript<{ snapshot_ref: string | null }>(client, sql.revert);
    const restored = (back.rowCount ?? 0) === 1;
    const putBack = declare(CURSOR, { update: restored ? 1 : 0 }, 'its revert statement reports', {
      atMost: { update: 1 },
    });
    if (restored) {
      const [writtenReverted, doneReverted] = await runScriptCounts(client, sql.reverted, ['cursor']);
      return {
        result: { changed: true, current: back.rows[0]?.snapshot_ref ?? null },
        declared: [putBack, ...ledgerEntries({ writtenReverted, doneReverted })],
      };
    }
    const advanced = (await runScript<{ advanced: boolean }>(client, sql.status, [run.rolloutId])).rows[0]?.advanced;
    const now = await readRow(client, cursorName);
    if (!advanced) {
      // Never advanced by this rollout, or already put back: nothing of ours to undo.
      const [writtenReverted, doneReverted] = await runScriptCounts(client, sql.reverted, ['cursor']);
      return {
        result: { changed: false, current: now.snapshot_ref },
        declared: ledgerEntries({ writtenReverted, doneReverted }),
      };
    }
    throw compensationRefused(
      `scan_cursor ${cursorName} was moved after this rollout advanced it (now ${now.snapshot_ref ?? 'null'}): put ` +
        `it back by hand`,
    );
  });
  return {
    undone: done.result.changed ? 1 : 0,
    detail: { restored: done.result.changed, cursor: done.result.current },
    ...executed(cursor.revertManifest),
    footprint: done.footprint,
  };
}

async function inspect(client: PoolClient, input: StepInput, _now: Metrics) {
  const { cursorName, snapshotRef } = scanOf(input);
  const row = await one<{ snapshot_ref: string | null }>(client, 'cursor/read.sql', [cursorName]);
  const from = row?.snapshot_ref ?? null;
  return {
    checks: [
      check(
        'cursor',
        row !== undefined,
        `scan_cursor row ${cursorName} exists`,
        row === undefined ? `scan_cursor has no row ${cursorName}` : `at ${from ?? 'null'}`,
        row === undefined ? 'create the row, or name the cursor the scanner uses' : 'scan_cursor',
      ),
    ],
    changes: [
      {
        step: 'cursor' as const,
        automated: true,
        summary:
          from === snapshotRef
            ? `nothing: scan_cursor ${cursorName} is already at ${snapshotRef}`
            : `scan_cursor ${cursorName} from ${from ?? 'null'} to ${snapshotRef} (compare-and-set)`,
      },
    ],
  };
}

export const cursor: Step = {
  name: 'cursor',
  manifest: () => [sql.step, sql.apply, sql.done, FOOTPRINT_SQL, MEASURE_SQL],
  revertManifest: [sql.bind, sql.revert, sql.status, sql.reverted, FOOTPRINT_SQL],
  inspect,
  apply,
  revert,
  remains: sql.remains,
};
