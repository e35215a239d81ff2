// The dry run: every guard a rollout would meet, read from the live database, writing nothing.
import { ApplicationFailure } from '@temporalio/common';
import { readCursor } from '../activities/cursor';
import { measure } from '../activities/gate';
import { snapshotProblem } from '../activities/snapshot';
import type { CursorRow } from '../activities/types';
import { createPool, runScript, withTransaction, type Pool, type PoolClient } from '../db/pool';
import { sqlFile } from '../db/sql';
import type { Metrics, RolloutInput, ScanInput } from '../shared';

export interface Check {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
  note: string;
}

export interface Change {
  step: 'gate' | 'seed' | 'scan' | 'cursor' | 'phase3';
  automated: boolean;
  summary: string;
}

export interface Plan {
  target: string;
  apr: string;
  verdict: 'GO' | 'NO-GO';
  /** Checked with default_transaction_read_only=on: PostgreSQL itself refuses any write of the plan. */
  readOnly: true;
  checks: Check[];
  changes: Change[];
  metrics: Metrics;
}

/**
 * A pool whose every transaction is READ ONLY, set as a connection parameter so it holds for the
 * reads the plan borrows from the activities too, before any statement runs.
 */
export function readOnlyPool(databaseUrl: string): Pool {
  return createPool(databaseUrl, { max: 2, options: '-c default_transaction_read_only=on' });
}

function check(name: string, ok: boolean, expected: string | number, actual: string | number, note = ''): Check {
  return { name, ok, expected: String(expected), actual: String(actual), note };
}

async function one<R extends Record<string, unknown>>(client: PoolClient, file: string, params: unknown[]): Promise<R | undefined> {
  return (await runScript<R>(client, sqlFile(file), params)).rows[0];
}

/** The seed's own preconditions and its change, as applySeed would meet them (a finished seed is not redone). */
async function planSeed(client: PoolClient, input: RolloutInput, m: Metrics): Promise<{ checks: Check[]; change: Change }> {
  const { expected: e, apr } = input;
  const present = (await one<{ rows_for_apr: number }>(client, 'seed/status.sql', [apr]))?.rows_for_apr ?? 0;
  if (present > 0) {
    const same = present === e.seedRows;
    return {
      checks: [check('seed rows', same, `${e.seedRows} already present, or none`, `${present} present for ${apr}`, same ? 'the seed ran before: it would write nothing' : 'refused: rows it did not write as a whole')],
      change: { step: 'seed', automated: true, summary: same ? `nothing: the ${present} governance_object_ownership rows for ${apr} are already there` : 'nothing: refused' },
    };
  }
  const seeded = e.own + e.seedRows;
  return {
    checks: [
      check('gap', m.gap === e.gap, e.gap, m.gap, 'v_object_owner_gap'),
      check('own', m.own === e.own, e.own, m.own, 'governance_object_ownership'),
      check('conflict', m.conflict === e.conflict, e.conflict, m.conflict, 'v_object_owner_conflict'),
    ],
    change: {
      step: 'seed',
      automated: true,
      summary:
        `insert ${e.seedRows} governance_object_ownership rows (created_by=F6_OWNERSHIP_SEED_COMMIT, ratified_apr=${apr}): ` +
        `own ${m.own}->${seeded}, gap ${m.gap}->0, conflict ${m.conflict}, gov_emit ${m.gov_emit} unchanged; ` +
        `then ${seeded} direct + ${e.gap} inherited, coverage 100%`,
    },
  };
}

async function planScan(client: PoolClient, scan: ScanInput, cursor: CursorRow | string): Promise<{ checks: Check[]; changes: Change[] }> {
  const { ruleset, snapshotRef } = scan;
  const problem = await snapshotProblem(client, snapshotRef);
  const cover = (await one<{ states: number; objects: number }>(client, 'scan/expect.sql', [ruleset.domains])) ?? { states: 0, objects: 0 };
  const stored = await one<{ ruleset_id: string; same_definition: boolean }>(client, 'scan/ruleset_read.sql', [
    ruleset.code, ruleset.version, JSON.stringify(ruleset),
  ]);
  const name = `${ruleset.code} v${ruleset.version}`;
  const checks = [
    check('snapshot', problem === null, `${snapshotRef} exists and matches the inventory`, problem ?? 'exists, matches', 'source_snapshot vs v_governance_object_inventory'),
    check('domains', cover.states === ruleset.domains.length, `${ruleset.domains.length} domains in the inventory`, `${cover.states} of ${ruleset.domains.length}`, ruleset.domains.join(',')),
    check(
      'ruleset',
      !stored || stored.same_definition,
      `absent, or the same definition`,
      !stored ? 'absent' : stored.same_definition ? `exists (id ${stored.ruleset_id}), same definition` : `exists (id ${stored.ruleset_id}) with a different definition`,
      stored && !stored.same_definition ? 'publish a new version' : name,
    ),
  ];
  const from = typeof cursor === 'string' ? null : cursor.snapshot_ref;
  checks.push(check('cursor', typeof cursor !== 'string', `${scan.cursorName} exists`, typeof cursor === 'string' ? cursor : `at ${from ?? 'null'}`, 'scan_cursor'));
  return {
    checks,
    changes: [
      {
        step: 'scan',
        automated: true,
        summary: `${stored ? `keep ruleset ${name}` : `insert ruleset ${name}`}; upsert ${cover.states} candidate_state + ${cover.objects} candidate_object (natural key: existing rows stay); append 1 candidate_scan_run`,
      },
      {
        step: 'cursor',
        automated: true,
        summary: from === snapshotRef ? `nothing: scan_cursor ${scan.cursorName} is already at ${snapshotRef}` : `scan_cursor ${scan.cursorName} from ${from ?? 'null'} to ${snapshotRef} (compare-and-set)`,
      },
    ],
  };
}

export async function planRollout(pool: Pool, input: RolloutInput): Promise<Plan> {
  const { expected: e, apr, scan } = input;
  const m = await measure(pool, apr);
  // A missing cursor is a guard refusal in the activity; here it is one more NO-GO.
  const cursor = scan
    ? await readCursor(pool, scan.cursorName).catch((err: unknown) => {
        if (err instanceof ApplicationFailure) return err.message;
        throw err;
      })
    : null;
  const { seed, scanned } = await withTransaction(pool, async (client) => ({
    seed: await planSeed(client, input, m),
    scanned: scan && cursor !== null ? await planScan(client, scan, cursor) : null,
  }));
  const checks = [
    check('gate', m.ospa >= e.ospaMin, `ospa >= ${e.ospaMin}`, `ospa = ${m.ospa}`, `os_proposal_approvals for ${apr}: only people open it (L2 quorum + L4 President e-signature)`),
    ...seed.checks,
    check('gov_emit', m.gov_emit === e.govEmit, e.govEmit, m.gov_emit, 'event_outbox rows of governance types'),
    check('gov_types_active', m.gov_types_active === 0, 0, m.gov_types_active, 'event_type_registry.active of governance types (Phase 3 is manual)'),
    ...(scanned?.checks ?? []),
  ];
  const changes: Change[] = [
    { step: 'gate', automated: false, summary: `people ratify ${apr} (os_proposal_approvals >= ${e.ospaMin}), then someone runs rollout gate-open: never automated` },
    seed.change,
    ...(scanned?.changes ?? []),
    {
      step: 'phase3',
      automated: false,
      summary: `emit activation (UPDATE event_type_registry SET active=true, a dispatcher for event_outbox) is a separate governed step: manual, never automated; ${m.gov_types_active} governance types active now`,
    },
  ];
  return { target: input.target, apr, verdict: checks.every((c) => c.ok) ? 'GO' : 'NO-GO', readOnly: true, checks, changes, metrics: m };
}
