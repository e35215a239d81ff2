// The Temporal server proper stopped and started again (same databases, same ports) while a
// rollout waits at the gate: the wait, the refused attempt and the progress survive in PostgreSQL.
import { NativeConnection } from '@temporalio/worker';
import { startTemporalCluster, type TemporalCluster } from '../../src/infra/temporalServer';
import { progressQuery } from '../../src/shared';
import { createRolloutWorker } from '../../src/worker';
import { freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import {
  expectPacketNumbers,
  openGate,
  quietRuntime,
  startScanRollout,
  temporalClient,
} from '../faults/support/rollouts';
import { startOwnPostgres, type OwnPostgres } from '../faults/support/ownPostgres';
import { SCANNED_TABLES, clusterPostgres, tableNumbers } from './support';

describe('Temporal server proper restarted while a rollout waits at the gate', () => {
  let postgres: OwnPostgres | undefined;
  let cluster: TemporalCluster | undefined;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await cluster?.stop();
    postgres?.destroy();
    await db?.drop();
  });

  test("after the restart the rollout still waits, then completes with the packet's numbers", async () => {
    quietRuntime();
    // A server of the test's own, so stopping it leaves the shared one alone.
    postgres = await startOwnPostgres();
    cluster = await startTemporalCluster({ postgres: clusterPostgres(postgres) });
    const { address } = cluster;
    db = await freshDatabase();
    const snapshotRef = await takeSnapshot(db.pool);
    const taskQueue = unique('tq-restart');
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await createRolloutWorker({
      connection: workerConnection,
      namespace: cluster.settings.namespace,
      taskQueue,
      pool: db.pool,
      target: db.name,
      workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' },
    });
    const running = worker.run();
    const temporal = await temporalClient(address);
    try {
      const handle = await startScanRollout(temporal.client, { taskQueue, target: db.name, snapshotRef });
      // Not ratified yet: the claim is refused and the rollout waits at the gate.
      await openGate(handle, 'eager operator');
      for (let i = 0; i < 300 && (await handle.query(progressQuery)).gate.attempts.length === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await cluster.stop();
      await cluster.start();

      const waiting = await handle.query(progressQuery);
      expect(waiting.state).toBe('WAITING_FOR_GATE');
      expect(waiting.gate.attempts).toMatchObject([{ by: 'eager operator', outcome: 'refused', ospa: 0 }]);
      expect((await handle.describe()).status.name).toBe('RUNNING');

      await ratify(db.pool);
      await openGate(handle);
      const final = await handle.result();
      await expectPacketNumbers(db.pool, final, true);
      expect(await tableNumbers(db.pool)).toEqual(SCANNED_TABLES);
      expect(final.gate.attempts.map((a) => [a.by, a.outcome])).toEqual([
        ['eager operator', 'refused'],
        ['president', 'accepted'],
      ]);
    } finally {
      await temporal.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await workerConnection.close().catch(() => undefined);
    }
  });
});
