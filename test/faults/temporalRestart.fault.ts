// The Temporal dev server restarted (same port, same SQLite file) while a rollout waits at the gate,
// and again while a step runs: the wait, the gate attempts and the progress survive.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { startTemporalDevServer, type DevServer } from '../../src/infra/temporalDevServer';
import { freePort } from '../../src/infra/ports';
import type { WorkflowHandle } from '@temporalio/client';
import { progressQuery, type RolloutProgress } from '../../src/shared';
import { createRolloutWorker } from '../../src/worker';
import { freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import { holdRolloutLock, waitForBlockedBackend } from './support/processWorker';
import { expectPacketNumbers, openGate, quietRuntime, startScanRollout, temporalClient } from './support/rollouts';
import { finalProgress } from '../../src/cli/execution';

async function waitForProgress(handle: WorkflowHandle, ready: (p: RolloutProgress) => boolean): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (ready(await handle.query(progressQuery))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the rollout did not get there in 30 s');
}

describe('Temporal dev server restarted mid-rollout', () => {
  let dir: string;
  let server: DevServer | undefined;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('at the gate and again mid-seed: the rollout completes with its history intact', async () => {
    quietRuntime();
    dir = mkdtempSync(path.join(os.tmpdir(), 'gr-temporal-'));
    const dbFile = path.join(dir, 'temporal.sqlite');
    const port = await freePort();
    server = await startTemporalDevServer({ dbFile, port });
    const address = server.address;
    db = await freshDatabase();
    const snapshotRef = await takeSnapshot(db.pool);
    const taskQueue = unique('tq-restart');
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await createRolloutWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      pool: db.pool,
      target: db.name,
      workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' },
    });
    const running = worker.run();
    const temporal = await temporalClient(address);
    try {
      const handle = await startScanRollout(temporal.client, { taskQueue, target: db.name, snapshotRef });
      // Not ratified yet: the first claim is refused and the rollout waits at the gate.
      await openGate(handle, 'eager operator');
      await waitForProgress(handle, (p) => p.gate.attempts.length === 1);
      await server.stop();
      server = await startTemporalDevServer({ dbFile, port });
      const waiting = await handle.query(progressQuery);
      expect(waiting.state).toBe('WAITING_FOR_GATE');
      expect(waiting.gate.attempts).toMatchObject([{ by: 'eager operator', outcome: 'refused', ospa: 0 }]);

      await ratify(db.pool);

      const lock = await holdRolloutLock(db.url);
      await openGate(handle);
      await waitForBlockedBackend(db.url, 'advisory');
      await server.stop();
      server = await startTemporalDevServer({ dbFile, port });
      await lock.release();
      await lock.close();
      const final = await finalProgress(handle);
      await expectPacketNumbers(db.pool, final, true);
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
