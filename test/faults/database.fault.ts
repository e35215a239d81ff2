// PostgreSQL stopped and restarted, or refusing connections, while an activity runs: the activity
// fails, retries with backoff and the rollout completes; a compensation interrupted the same way too.
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createPool, type Pool } from '../../src/db/pool';
import { initFixture } from '../../src/fixture/init';
import { createRolloutWorker } from '../../src/worker';
import { fingerprint, ratify, takeSnapshot } from '../support/db';
import { temporalAddress } from '../support/harness';
import { unique } from '../support/names';
import { startOwnPostgres, type OwnPostgres } from './support/ownPostgres';
import { holdRolloutLock, waitForBlockedBackend } from './support/processWorker';
import {
  expectPacketNumbers,
  openGate,
  OTHER_SNAPSHOT,
  quietRuntime,
  startScanRollout,
  temporalClient,
} from './support/rollouts';
import { finalProgress } from '../../src/cli/execution';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('database faults during activities', () => {
  let pg: OwnPostgres;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  beforeAll(async () => {
    quietRuntime();
    pg = await startOwnPostgres();
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal.close();
    pg.destroy();
  });

  let pool: Pool | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopWorker?.();
    await pool?.end();
    pool = undefined;
    stopWorker = undefined;
  });

  async function fixture(name: string): Promise<{ url: string; taskQueue: string; pool: Pool }> {
    await pg.admin(`create database ${name}`);
    const url = pg.url(name);
    pool = createPool(url);
    await initFixture(pool);
    await ratify(pool);
    const taskQueue = unique('tq-dbfault');
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker: Worker = await createRolloutWorker({
      connection,
      namespace: 'default',
      taskQueue,
      pool,
      target: name,
      workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' },
    });
    const running = worker.run();
    stopWorker = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    };
    return { url, taskQueue, pool };
  }

  test(
    'stopped and restarted during the seed: the worker ' + 'survives, the seed retries, the rollout completes',
    async () => {
      const name = 'fault_restart';
      const f = await fixture(name);
      const snapshotRef = await takeSnapshot(f.pool);
      const lock = await holdRolloutLock(f.url);
      const handle = await startScanRollout(temporal.client, { taskQueue: f.taskQueue, target: name, snapshotRef });
      await openGate(handle);
      await waitForBlockedBackend(f.url, 'advisory');
      pg.stop(); // fast shutdown: the seed's transaction is cut off, then connections are refused
      await lock.close();
      await pause(4_000);
      pg.start();
      const final = await finalProgress(handle);
      await expectPacketNumbers(f.pool, final, true);
    },
  );

  test('connections refused during the scan (the database closed to connections): retried until it opens', async () => {
    const f = await fixture('fault_refused');
    const snapshotRef = await takeSnapshot(f.pool);
    const lock = await holdRolloutLock(f.url);
    const handle = await startScanRollout(temporal.client, {
      taskQueue: f.taskQueue,
      target: 'fault_refused',
      snapshotRef,
    });
    await openGate(handle);
    await waitForBlockedBackend(f.url, 'advisory');
    await lock.passOne(); // the seed
    await waitForBlockedBackend(f.url, 'advisory');
    await pg.admin(`alter database fault_refused allow_connections false;
      select pg_terminate_backend(pid) from pg_stat_activity where datname = 'fault_refused'`);
    await lock.close();
    await pause(5_000);
    await pg.admin('alter database fault_refused allow_connections true');
    const final = await finalProgress(handle);
    await expectPacketNumbers(f.pool, final, true);
    expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
  });

  test('a compensation interrupted by a restart still completes: every table as before', async () => {
    const f = await fixture('fault_compensate');
    await f.pool.query('insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ($1, $2, 0)', [
      OTHER_SNAPSHOT,
      'x',
    ]);
    const snapshotRef = await takeSnapshot(f.pool);
    const before = await fingerprint(f.pool);
    const lock = await holdRolloutLock(f.url);
    const handle = await startScanRollout(temporal.client, {
      taskQueue: f.taskQueue,
      target: 'fault_compensate',
      snapshotRef,
    });
    await openGate(handle);
    await waitForBlockedBackend(f.url, 'advisory');
    await lock.passOne(); // the seed
    await waitForBlockedBackend(f.url, 'advisory');
    await lock.passOne(); // the scan
    await waitForBlockedBackend(f.url, 'advisory');
    // Someone else moves the cursor while the advance waits: the step refuses, compensation runs.
    await f.pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [
      OTHER_SNAPSHOT,
    ]);
    await lock.passOne(); // the cursor, refused
    await waitForBlockedBackend(f.url, 'advisory'); // the first compensation
    pg.stop();
    await lock.close();
    await pause(4_000);
    pg.start();
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(
      /scan_cursor governance_scan moved meanwhile.*; 72 row\(s\) undone, baseline verified$/,
    );
    // Every table as before, but the cursor someone else moved stays where they put it.
    expect({ ...(await fingerprint(f.pool)), scan_cursor: '' }).toEqual({ ...before, scan_cursor: '' });
  });
});
