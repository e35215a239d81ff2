// What the fault tests share: a Temporal client, a rollout with the clone's scan, and the
// packet's numbers checked on the database itself.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { RolloutInput, gateOpenedSignal, type RolloutProgress } from '../../../src/shared';
import { rolloutWorkflow } from '../../../src/workflows';
import type { Pool } from '../../../src/db/pool';
import { APR, count } from '../../support/db';
import { CLONE_SCAN_RULESET, temporalAddress } from '../../support/harness';
import { unique } from '../../support/names';

export const OTHER_SNAPSHOT = 'SNAP-20250101T000000Z-0badcafe';

/** Worker logs at ERROR only, as in the harness. */
export function quietRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} } },
    });
  } catch {
    // installed already in this process
  }
}

export async function temporalClient(address = temporalAddress()): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export async function startScanRollout(
  client: Client,
  opts: { taskQueue: string; target: string; snapshotRef?: string; workflowId?: string; seedScript?: { path: string; sha256: string } },
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

/** The packet's numbers after Phase 1 (and Phase 2 with a scan), in progress and in the tables. */
export async function expectPacketNumbers(pool: Pool, final: RolloutProgress, scanned: boolean): Promise<void> {
  expect(final.state).toBe('COMPLETED');
  expect(final.metrics).toMatchObject({ own: 30, gap: 0, conflict: 0, gov_emit: 0, direct: 30, inherited: 210, coverage_pct: 100 });
  // Nothing applied twice, nothing lost.
  expect(await count(pool, "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'")).toBe(30);
  if (!scanned) return;
  expect(await count(pool, 'select count(*) as n from governance_ruleset')).toBe(1);
  expect(await count(pool, 'select count(*) as n from candidate_state')).toBe(5);
  expect(await count(pool, 'select count(*) as n from candidate_object')).toBe(35);
  expect(await count(pool, 'select count(*) as n from candidate_scan_run')).toBe(1);
  expect(await count(pool, 'select count(*) as n from event_outbox')).toBe(0);
  expect(await count(pool, 'select count(*) as n from system_issues')).toBe(0);
}
