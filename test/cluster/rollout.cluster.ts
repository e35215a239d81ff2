// The rollout on the Temporal server proper as production runs it: PostgreSQL persistence, SQL
// (PostgreSQL) visibility, the namespace, retention and search attributes of deploy/temporal.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ListedRollout } from '../../src/cli/actions/list';
import { finalProgress } from '../../src/cli/execution';
import { temporalCliPath } from '../../src/infra/temporalDevServer';
import { loadTemporalSettings } from '../../src/infra/temporalSettings';
import type { RolloutProgress } from '../../src/shared';
import { envFor, lastLine, rollout, startCliWorker, type CliWorker } from '../support/cli';
import { count, fingerprint, freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { holdUntilCancelled, onApply } from '../support/faults';
import { CLONE_SCAN_RULESET, temporalAddress, useHarness } from '../support/harness';
import { unique } from '../support/names';
import {
  holdRolloutLock,
  startProcessWorker,
  waitForBlockedBackend,
  type ProcessWorker,
} from '../faults/support/processWorker';
import { expectPacketNumbers, openGate, startScanRollout, temporalClient } from '../faults/support/rollouts';
import { SCANNED_TABLES, tableNumbers } from './support';

const settings = loadTemporalSettings();
const execFileAsync = promisify(execFile);

describe('the Temporal server proper, set up from deploy/temporal', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress() });
  });
  afterAll(async () => connection.close());

  test("PostgreSQL persistence and PostgreSQL visibility, not the dev server's SQLite", async () => {
    const info = await connection.workflowService.getClusterInfo({});
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');
    expect(info.serverVersion).toBe('1.29.1');
  });

  test("the namespace keeps histories for the settings' retention (30 days), long enough for evidence", async () => {
    const ns = await connection.workflowService.describeNamespace({ namespace: settings.namespace });
    expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(settings.retentionSeconds);
    expect(settings.retentionSeconds).toBeGreaterThanOrEqual(30 * 86_400);
  });

  test("the rollout's search attributes are registered as Keyword", async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: settings.namespace,
    });
    const registered = customAttributes ?? {};
    expect(settings.searchAttributes.map((a) => a.name).sort()).toEqual([
      'RolloutApr',
      'RolloutDatabase',
      'RolloutState',
      'RolloutTarget',
    ]);
    for (const { name, type } of settings.searchAttributes) {
      expect(type).toBe('Keyword');
      expect(registered[name]).toBe(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
  });
});

describe('rollouts on the server proper', () => {
  const harness = useHarness();

  test("the happy path with the scan: the packet's numbers on the tables", async () => {
    const h = await harness({ ratified: true });
    const snapshotRef = await takeSnapshot(h.db.pool);
    const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    await expectPacketNumbers(h.db.pool, final, true);
    expect(await tableNumbers(h.db.pool)).toEqual(SCANNED_TABLES);
  });

  test("a cancel after the scan: compensated, every table's fingerprint as before", async () => {
    const h = await harness({ wrap: onApply('cursor', () => holdUntilCancelled()), ratified: true });
    const snapshotRef = await takeSnapshot(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const handle = await h.start({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    await openGate(handle);
    await h.waitFor(handle, (p) => p.steps.find((s) => s.name === 'scan')?.status === 'done');
    expect(await count(h.db.pool, 'select count(*) as n from candidate_object')).toBe(35);

    await handle.cancel();
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toContain(`${30 + 5 + 35 + 1 + 1} row(s) undone`);
    expect(final.metrics).toMatchObject({ own: 0, gap: 210, conflict: 0, gov_emit: 0 });
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});

describe('two workers on the task queue, one SIGKILLed mid-seed', () => {
  let db: TestDatabase | undefined;
  const workers: ProcessWorker[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await db?.drop();
  });

  test("the survivor finishes the rollout with the packet's numbers", async () => {
    db = await freshDatabase();
    const where = { url: db.url, target: db.name, taskQueue: unique('tq-kill') };
    await ratify(db.pool);
    const snapshotRef = await takeSnapshot(db.pool);
    const temporal = await temporalClient();
    const lock = await holdRolloutLock(db.url);
    try {
      // The first worker alone takes the seed, which waits behind the held lock; then a second joins.
      const first = await startProcessWorker(where);
      workers.push(first);
      const handle = await startScanRollout(temporal.client, {
        taskQueue: where.taskQueue,
        target: db.name,
        snapshotRef,
      });
      await openGate(handle);
      await waitForBlockedBackend(db.url, 'advisory');
      const survivor = await startProcessWorker(where);
      workers.push(survivor);
      await first.kill();
      await lock.release();

      const final: RolloutProgress = await handle.result();
      await expectPacketNumbers(db.pool, final, true);
      expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
      expect(await tableNumbers(db.pool)).toEqual(SCANNED_TABLES);
    } finally {
      await lock.close();
      await temporal.close();
    }
  });
});

describe('the CLI as an operator runs it, against the server proper', () => {
  let db: TestDatabase | undefined;
  let worker: CliWorker | undefined;
  afterEach(async () => {
    await worker?.stop();
    await db?.drop();
  });

  test("rollout worker (compose's command), start, gate-open, result, with the libpq environment only", async () => {
    db = await freshDatabase();
    const url = new URL(db.url);
    const env = envFor(null, {
      PGHOST: url.hostname,
      PGPORT: url.port,
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: db.name,
    });
    worker = await startCliWorker(env);
    const started = await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env);
    expect(started.stderr).toBe('');
    const id = lastLine(started.stdout);
    expect(id).toBe(`rollout-${url.hostname}-${url.port}-${db.name}`);
    await ratify(db.pool);
    const opened = await rollout(['gate-open', id, '--by', 'ops on call'], env);
    expect(opened.stdout).toMatch(/accepted/);
    const result = await rollout(['result', id, '--json'], env);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'COMPLETED' });
    expect(await tableNumbers(db.pool)).toMatchObject({ own: 30, gap: 0, conflict: 0, gov_emit: 0 });
  });
});

describe('rollout list on SQL visibility', () => {
  const harness = useHarness();

  test("a waiting and a completed rollout, with Temporal's status and the rollout's state", async () => {
    const h = await harness();
    const env = envFor(h.db, { TEMPORAL_TASK_QUEUE: h.taskQueue, ROLLOUT_TARGET: h.target });
    const waiting = await h.start();
    await h.ratify();
    const listed = async (predicate: (rows: ListedRollout[]) => boolean): Promise<ListedRollout[]> => {
      let rows: ListedRollout[] = [];
      for (let i = 0; i < 60; i += 1) {
        const result = await rollout(['list', '--json'], env);
        expect(result.stderr).toBe('');
        rows = JSON.parse(result.stdout) as ListedRollout[];
        if (predicate(rows)) return rows;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`rollout list never showed it: ${JSON.stringify(rows)}`);
    };
    await listed((rows) =>
      rows.some((r) => r.workflowId === waiting.workflowId && r.status === 'RUNNING' && r.state === 'WAITING_FOR_GATE'),
    );

    await openGate(waiting);
    await waiting.result();
    const rows = await listed((r) => r.some((x) => x.workflowId === waiting.workflowId && x.status === 'COMPLETED'));
    expect(rows.find((r) => r.workflowId === waiting.workflowId)).toMatchObject({
      status: 'COMPLETED',
      state: 'COMPLETED',
      taskQueue: h.taskQueue,
    });
  });

  // The attributes the setup registered, upserted by the workflow, queried with the CLI an operator uses.
  test('temporal workflow list --query on RolloutState finds the rollout waiting at the gate', async () => {
    const h = await harness();
    const cli = temporalCliPath();
    const ids = async (query: string): Promise<string[]> => {
      const { stdout } = await execFileAsync(cli, [
        'workflow',
        'list',
        '--address',
        temporalAddress(),
        '--namespace',
        settings.namespace,
        '--query',
        query,
        '-o',
        'json',
      ]);
      const rows = JSON.parse(stdout.trim() || '[]') as { execution?: { workflowId?: string } }[];
      return rows.map((r) => r.execution?.workflowId ?? '');
    };
    const until = async (query: string, present: boolean, id: string): Promise<void> => {
      for (let i = 0; i < 80; i += 1) {
        if ((await ids(query)).includes(id) === present) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`${query}: ${id} ${present ? 'never listed' : 'still listed'}`);
    };
    const handle = await h.start();
    const id = handle.workflowId;
    await until(`RolloutState='WAITING_FOR_GATE' AND RolloutTarget='${h.target}'`, true, id);
    await until("RolloutApr='APR-BOOT-AUTHMODEL-1' AND RolloutState='WAITING_FOR_GATE'", true, id);
    await h.ratify();
    await openGate(handle);
    await finalProgress(handle);
    await until(`RolloutState='COMPLETED' AND RolloutTarget='${h.target}'`, true, id);
    await until("RolloutState='WAITING_FOR_GATE'", false, id);
  });
});
