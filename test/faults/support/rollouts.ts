// What the fault tests share: a Temporal client, a rollout with the clone's scan, and the
// packet's numbers checked on the database itself.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { RolloutInput, gateOpenedSignal, type RolloutProgress } from '../../../src/shared';
import { rolloutWorkflow } from '../../../src/workflows';
import type { Pool } from '../../../src/db/pool';
import { APR, count, fingerprint } from '../../support/db';
import { CLONE_SCAN_RULESET, temporalAddress } from '../../support/harness';
import { unique } from '../../support/names';
import { PACKET_SEEDED } from '../../support/packet';

export const OTHER_SNAPSHOT = 'SNAP-20250101T000000Z-0badcafe';

/** A second snapshot someone else may move the cursor to. */
export async function addOtherSnapshot(pool: Pool): Promise<void> {
  const sql = 'insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ($1, $2, 0)';
  await pool.query(sql, [OTHER_SNAPSHOT, 'x']);
}

/** Someone else moves the cursor while the advance waits: the step refuses, compensation runs. */
export async function moveCursorAway(pool: Pool): Promise<void> {
  await pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [OTHER_SNAPSHOT]);
}

/** The steps the ledger records as done and not reverted: each once. */
export async function stepsDone(pool: Pool): Promise<number> {
  return count(pool, 'select count(*) as n from governed_rollout.step_done where reverted_at is null');
}

export { quietRuntime } from '../../support/harness';

/** One client for a describe block's tests: `const temporal = useTemporalClient();`, then `temporal().client`. */
export function useTemporalClient(): () => Awaited<ReturnType<typeof temporalClient>> {
  let temporal: Awaited<ReturnType<typeof temporalClient>> | undefined;
  beforeAll(async () => {
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal?.close();
  });
  return () => {
    if (!temporal) throw new Error('the Temporal client is made in beforeAll');
    return temporal;
  };
}

export async function temporalClient(
  address = temporalAddress(),
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export async function startScanRollout(
  client: Client,
  opts: {
    taskQueue: string;
    target: string;
    snapshotRef?: string;
    workflowId?: string;
    seedScript?: { path: string; sha256: string };
  },
): Promise<WorkflowHandle<typeof rolloutWorkflow>> {
  const scan = opts.snapshotRef ? { scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef: opts.snapshotRef } } : {};
  const seed = opts.seedScript ? { seedScript: opts.seedScript } : {};
  const args = RolloutInput.parse({ target: opts.target, apr: APR, ...scan, ...seed });
  return client.workflow.start(rolloutWorkflow, {
    taskQueue: opts.taskQueue,
    workflowId: opts.workflowId ?? unique('rollout-fault'),
    args: [args],
  });
}

export async function openGate(handle: WorkflowHandle, by = 'president'): Promise<void> {
  await handle.signal(gateOpenedSignal, { id: unique('claim'), by });
}

/**
 * A rollout compensated after someone else moved the cursor: every step undone, the seed's 30 rows deleted,
 * every table as `before` but the cursor, which stays where they put it.
 */
export async function expectCompensatedBaseline(
  pool: Pool,
  final: RolloutProgress,
  before: Record<string, string>,
): Promise<void> {
  expect(final.state).toBe('COMPENSATED');
  expect(final.steps.map((s) => s.status)).toEqual(['compensated', 'compensated', 'compensated']);
  expect(final.steps[0]?.compensation).toMatchObject({ deleted: 30 });
  const after = await fingerprint(pool);
  expect({ ...after, scan_cursor: '' }).toEqual({ ...before, scan_cursor: '' });
}

/** The packet's numbers after Phase 1 (and Phase 2 with a scan), in progress and in the tables. */
export async function expectPacketNumbers(pool: Pool, final: RolloutProgress, scanned: boolean): Promise<void> {
  expect(final.state).toBe('COMPLETED');
  expect(final.metrics).toMatchObject(PACKET_SEEDED);
  // Nothing applied twice, nothing lost.
  expect(
    await count(
      pool,
      "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
    ),
  ).toBe(30);
  if (!scanned) return;
  expect(await count(pool, 'select count(*) as n from governance_ruleset')).toBe(1);
  expect(await count(pool, 'select count(*) as n from candidate_state')).toBe(5);
  expect(await count(pool, 'select count(*) as n from candidate_object')).toBe(35);
  expect(await count(pool, 'select count(*) as n from candidate_scan_run')).toBe(1);
  expect(await count(pool, 'select count(*) as n from event_outbox')).toBe(0);
  expect(await count(pool, 'select count(*) as n from system_issues')).toBe(0);
}
