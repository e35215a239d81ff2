// Phase 2, the scan: the ruleset seeded by its natural key, then the scanner's write-half (5 candidate_state
// + 35 candidate_object per ruleset version on the clone, natural-key upserts, so a re-run writes nothing),
// one candidate_scan_run appended; undone by FK-ordered DELETEs of the rows the ledger records.
import { runScript, type PoolClient } from '../db/pool';
import { snapshotProblem } from '../db/snapshot';
import { executed, sqlFile } from '../db/sql';
import { declare } from '../shared/footprint';
import type { StepInput, ScanInput } from '../shared/input';
import type { Metrics } from '../shared/progress';
import { scanMismatches } from './expectations';
import { check, one } from './inspect';
import { ledgerEntries } from './ledger';
import { guardRefused } from './refusal';
import { revertMarked } from './revert';
import { FOOTPRINT_SQL, MEASURE_SQL, measured, stepTransaction, type Verify } from './transaction';
import type { Applied, Step, StepRun } from './types';

const sql = {
  expect: sqlFile('scan/expect.sql'),
  status: sqlFile('ledger/step.sql'),
  cursor: sqlFile('cursor/read.sql'),
  snapshot: sqlFile('snapshot/read.sql'),
  inventory: sqlFile('snapshot/inventory.sql'),
  ruleset: sqlFile('scan/ruleset_apply.sql'),
  states: sqlFile('scan/apply_states.sql'),
  objects: sqlFile('scan/apply_objects.sql'),
  run: sqlFile('scan/run_apply.sql'),
  verify: sqlFile('scan/verify.sql'),
};

type Counts = {
  states: number;
  objects: number;
};

interface Scanned {
  rulesetId: number;
  rulesetCreated: boolean;
  scanRunId: number;
  alreadyApplied: boolean;
  statesInserted: number;
  objectsInserted: number;
  /** The cursor as it stood before the scan: what the cursor step compares and sets from. */
  cursorFrom: string | null;
}

function scanOf(input: StepInput): ScanInput {
  if (!input.scan) throw new Error('the scan step runs only with --scan');
  return input.scan;
}

/**
 * Seed the ruleset, then the write-half, as natural-key upserts in one step transaction. Writes
 * candidate_state, candidate_object, candidate_scan_run and (when new) governance_ruleset only: never
 * system_issues or event_outbox. Each statement records the ids it inserted in the ledger itself, so the
 * ledger costs no round trip. Before it commits, its own accounting must show exactly the rows the ledger
 * records, within the packet's bounds, and nothing else anywhere (a trigger filing system_issues per
 * candidate rolls the whole scan back), and the candidates must be the packet's.
 */
async function apply(run: StepRun): Promise<Applied> {
  const { input, rolloutId } = run;
  const { ruleset, snapshotRef, cursorName } = scanOf(input);
  let counts: Counts & { expectedStates: number; expectedObjects: number } = {
    states: 0,
    objects: 0,
    expectedStates: 0,
    expectedObjects: 0,
  };
  const done = await stepTransaction<Scanned>(run, async (client) => {
    const expected = (await runScript<Counts>(client, sql.expect, [ruleset.domains])).rows[0] ?? {
      states: 0,
      objects: 0,
    };
    const present = async (rulesetId: number) => {
      const found = (await runScript<Counts>(client, sql.verify, [rulesetId])).rows[0] ?? { states: 0, objects: 0 };
      counts = { ...found, expectedStates: expected.states, expectedObjects: expected.objects };
    };
    const verify = (scanRunId: number): Verify => ({
      numbers: 'phase3',
      problems: () => scanMismatches(input.expected, { ...counts, scanRunId }),
    });

    const earlier = (
      await runScript<{ result: Omit<Scanned, 'rulesetCreated' | 'alreadyApplied'> }>(client, sql.status, [
        rolloutId,
        'scan',
      ])
    ).rows[0]?.result;
    if (earlier) {
      await present(earlier.rulesetId);
      return {
        result: { ...earlier, rulesetCreated: false, alreadyApplied: true },
        declared: [],
        verify: verify(earlier.scanRunId),
      };
    }

    const problem = await snapshotProblem(client, snapshotRef);
    if (problem) throw guardRefused(problem);
    if (expected.states !== ruleset.domains.length) {
      throw guardRefused(
        `ruleset ${ruleset.code} v${ruleset.version} names ${ruleset.domains.length} domains, the inventory holds ` +
          `${expected.states} of them`,
      );
    }
    const cursor = (await runScript<{ snapshot_ref: string | null }>(client, sql.cursor, [cursorName])).rows[0];
    if (!cursor)
      throw guardRefused(`scan_cursor has no row ${cursorName}: create it, or name the cursor the scanner uses`);
    const seeded = (
      await runScript<{ ruleset_id: string; same_definition: boolean; created: boolean }>(client, sql.ruleset, [
        ruleset.code,
        ruleset.version,
        JSON.stringify(ruleset),
        rolloutId,
      ])
    ).rows[0];
    if (!seeded) throw new Error('scan/ruleset_apply.sql returned no row');
    if (!seeded.same_definition) {
      throw guardRefused(
        `ruleset ${ruleset.code} v${ruleset.version} exists with a different definition: publish a new version`,
      );
    }
    const rulesetId = Number(seeded.ruleset_id);
    type Inserted = { inserted: number };
    const statesInserted =
      (await runScript<Inserted>(client, sql.states, [rulesetId, ruleset.domains, ruleset.state, rolloutId])).rows[0]
        ?.inserted ?? 0;
    const objectsInserted =
      (await runScript<Inserted>(client, sql.objects, [rulesetId, rolloutId])).rows[0]?.inserted ?? 0;
    const appended = (
      await runScript<{ scan_run_id: string }>(client, sql.run, [
        rulesetId,
        snapshotRef,
        rolloutId,
        statesInserted,
        objectsInserted,
        cursor.snapshot_ref,
      ])
    ).rows[0];
    await present(rulesetId);
    const ledger = 'the ledger records';
    return {
      result: {
        rulesetId,
        rulesetCreated: seeded.created,
        scanRunId: Number(appended?.scan_run_id),
        alreadyApplied: false,
        statesInserted,
        objectsInserted,
        cursorFrom: cursor.snapshot_ref,
      },
      declared: [
        declare('governance_ruleset', { insert: seeded.created ? 1 : 0 }, ledger, { atMost: { insert: 1 } }),
        declare('candidate_state', { insert: statesInserted }, ledger, { atMost: { insert: expected.states } }),
        declare('candidate_object', { insert: objectsInserted }, ledger, { atMost: { insert: expected.objects } }),
        declare('candidate_scan_run', { insert: appended ? 1 : 0 }, ledger, { exactly: { insert: 1 } }),
        ...ledgerEntries({ written: (seeded.created ? 1 : 0) + 3, done: appended ? 1 : 0 }),
      ],
      verify: verify(Number(appended?.scan_run_id)),
    };
  });
  const r = done.result;
  return {
    detail: {
      ruleset: `${ruleset.code} v${ruleset.version}`,
      rulesetCreated: r.rulesetCreated,
      alreadyApplied: r.alreadyApplied,
      candidate_state: counts.states,
      candidate_object: counts.objects,
      statesInserted: r.statesInserted,
      objectsInserted: r.objectsInserted,
      scanRunId: r.scanRunId,
      snapshotRef,
      cursorFrom: r.cursorFrom,
    },
    ...executed(scan.manifest(input)),
    footprint: done.footprint,
    after: measured(done.after),
  };
}

async function inspect(client: PoolClient, input: StepInput, _now: Metrics) {
  const { ruleset, snapshotRef } = scanOf(input);
  const problem = await snapshotProblem(client, snapshotRef);
  const cover = (await one<Counts>(client, 'scan/expect.sql', [ruleset.domains])) ?? { states: 0, objects: 0 };
  const stored = await one<{ ruleset_id: string; same_definition: boolean }>(client, 'scan/ruleset_read.sql', [
    ruleset.code,
    ruleset.version,
    JSON.stringify(ruleset),
  ]);
  const name = `${ruleset.code} v${ruleset.version}`;
  return {
    checks: [
      check(
        'snapshot',
        problem === null,
        `${snapshotRef} exists and matches the inventory`,
        problem ?? 'exists, matches',
        'source_snapshot vs v_governance_object_inventory',
      ),
      check(
        'domains',
        cover.states === ruleset.domains.length,
        `${ruleset.domains.length} domains in the inventory`,
        `${cover.states} of ${ruleset.domains.length}`,
        ruleset.domains.join(','),
      ),
      check(
        'ruleset',
        !stored || stored.same_definition,
        'absent, or the same definition',
        !stored
          ? 'absent'
          : stored.same_definition
            ? `exists (id ${stored.ruleset_id}), same definition`
            : `exists (id ${stored.ruleset_id}) with a different definition`,
        stored && !stored.same_definition ? 'publish a new version' : name,
      ),
    ],
    changes: [
      {
        step: 'scan' as const,
        automated: true,
        summary:
          `${stored ? `keep ruleset ${name}` : `insert ruleset ${name}`}; upsert ${cover.states} ` +
          `candidate_state + ${cover.objects} candidate_object (natural key: existing rows stay); append 1 ` +
          `candidate_scan_run`,
      },
    ],
  };
}

const REVERT = sqlFile('scan/revert.sql');

export const scan: Step = {
  name: 'scan',
  manifest: () => [
    sql.expect,
    sql.status,
    sql.snapshot,
    sql.inventory,
    sql.cursor,
    sql.ruleset,
    sql.states,
    sql.objects,
    sql.run,
    sql.verify,
    FOOTPRINT_SQL,
    MEASURE_SQL,
  ],
  revertManifest: [REVERT, sqlFile('scan/remains.sql')],
  inspect,
  apply,
  revert: (run) => revertMarked(run, 'scan', REVERT),
  remains: sqlFile('scan/remains.sql'),
};
