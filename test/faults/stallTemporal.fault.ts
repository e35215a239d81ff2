// The tunnel that stalls is the one to Temporal: the worker's, while a step commits (its heartbeats and its
// completion cannot get through; Temporal times the attempt out and retries it, which finds the step done in
// the ledger), and the CLI's, whose every call has a deadline.
import { finalProgress } from '../../src/cli/execution';
import { pendingWaits, type Waiting } from '../../src/cli/waiting';
import { CALL_BOUND_MS, CONNECT_BOUND_MS } from '../../src/client';
import { envFor, rollout } from '../support/cli';
import { freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { temporalAddress } from '../support/harness';
import { unique } from '../support/names';
import { startStallProxy, type StallProxy } from '../support/stallProxy';
import { holdRolloutLock, startProcessWorker, waitForBlockedBackend } from './support/processWorker';
import type { ProcessWorker } from './support/processWorker';
import { expectPacketNumbers, openGate, startScanRollout, stepsDone, useTemporalClient } from './support/rollouts';

const HEAL_MS = 20_000;
const END_BOUND_MS = 120_000;
const SLACK_MS = 5_000;
/** The SDK core's own bound on connecting (not configurable from TypeScript), as measured. */
const WORKER_CONNECT_BOUND_MS = 30_000;

async function temporalProxy(): Promise<StallProxy> {
  const [host, port] = temporalAddress().split(':');
  return startStallProxy(host ?? '127.0.0.1', Number(port));
}

const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) process.stdout.write(`temporal stall figures:\n${figures.join('\n')}\n`);
});

describe('a stalled tunnel to Temporal', () => {
  const temporal = useTemporalClient();

  test.concurrent("the worker's, while the scan commits: completed once it heals, each step once", async () => {
    const db: TestDatabase = await freshDatabase();
    const proxy = await temporalProxy();
    const lock = await holdRolloutLock(db.url);
    const workers: ProcessWorker[] = [];
    let healing: NodeJS.Timeout | undefined;
    try {
      const where = { url: db.url, target: db.name, taskQueue: unique('tq-tstall'), temporalAddress: proxy.address };
      await ratify(db.pool);
      const snapshotRef = await takeSnapshot(db.pool);
      workers.push(await startProcessWorker(where));
      const handle = await startScanRollout(temporal().client, { ...where, snapshotRef });
      await openGate(handle);
      await waitForBlockedBackend(db.url, 'advisory');
      await lock.passOne(); // the seed
      await waitForBlockedBackend(db.url, 'advisory');
      proxy.stall();
      const stalledAt = Date.now();
      await lock.release(); // the scan commits while nothing reaches Temporal
      healing = setTimeout(() => {
        proxy.heal();
      }, HEAL_MS);
      // Temporal's side of it: the heartbeats stop arriving, the attempt times out, progress says so.
      let ended = false;
      const detected = (async () => {
        while (!ended) {
          const waits = await pendingWaits(handle).catch(() => []);
          const timedOut = (w: Waiting) =>
            w.activity === 'applyStep scan' && /heartbeat timeout/i.test(`${w.lastFailure}`);
          if (waits.some(timedOut)) return Date.now() - stalledAt;
          await new Promise((r) => setTimeout(r, 500));
        }
        return null;
      })();
      const final = await finalProgress(handle);
      const endedMs = Date.now() - stalledAt;
      ended = true;
      const detectedMs = await detected;
      figures.push(
        `worker's tunnel stalled in the scan, healed after ${HEAL_MS / 1000} s: the attempt timed out (heartbeat) ` +
          `${Math.round((detectedMs ?? NaN) / 1000)} s after the stall, ` +
          `the rollout ended ${Math.round(endedMs / 1000)} s after it`,
      );
      expect(detectedMs).toBeLessThan(20_000 + SLACK_MS);
      expect(endedMs).toBeLessThan(END_BOUND_MS);
      await expectPacketNumbers(db.pool, final, true);
      expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
      expect(await stepsDone(db.pool)).toBe(3);
    } finally {
      clearTimeout(healing);
      await lock.close();
      for (const w of workers) await w.stop();
      await proxy.close();
      await db.drop();
    }
  });

  test.concurrent("the worker's at its start: it ends with one line instead of hanging", async () => {
    const proxy = await temporalProxy();
    const db = await freshDatabase();
    try {
      proxy.stall();
      const started = Date.now();
      const result = await rollout(['worker'], envFor(db, { TEMPORAL_ADDRESS: proxy.address }), 120_000);
      const tookMs = Date.now() - started;
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^rollout: Temporal did not answer the worker in time .*: check TEMPORAL_ADDRESS/);
      // From the spawn: the process's own start (a few seconds on a busy machine) comes first.
      expect(tookMs).toBeLessThan(WORKER_CONNECT_BOUND_MS + 3 * SLACK_MS);
      figures.push(`worker start through a stalled tunnel: ended after ${Math.round(tookMs / 1000)} s`);
    } finally {
      await db.drop();
      await proxy.close();
    }
  });

  test.concurrent("the CLI's: connecting, and a call on a stalled connection, end in their bounds", async () => {
    const proxy = await temporalProxy();
    try {
      const env = envFor(null, { TEMPORAL_ADDRESS: proxy.address });
      const id = unique('rollout-cli-stall');
      // A rollout that waits at the gate, for `result` to wait on.
      const db = await freshDatabase();
      try {
        const handle = await startScanRollout(temporal().client, {
          taskQueue: unique('tq-none'),
          target: db.name,
          workflowId: id,
        });
        const waiting = rollout(['result', handle.workflowId], env, 180_000);
        await new Promise((r) => setTimeout(r, 3_000));
        proxy.stall();
        const stalledAt = Date.now();
        const result = await waiting;
        const callMs = Date.now() - stalledAt;
        expect(result.code).not.toBe(0);
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(result.stderr).toMatch(/^rollout: Temporal did not answer within 30 s/);
        expect(callMs).toBeLessThan(CALL_BOUND_MS + SLACK_MS);

        const started = Date.now();
        const connect = await rollout(['progress', handle.workflowId], env, 60_000);
        const connectMs = Date.now() - started;
        expect(connect.code).not.toBe(0);
        expect(connect.stderr).toMatch(/^rollout: /);
        expect(connectMs).toBeLessThan(CONNECT_BOUND_MS + SLACK_MS + 2_000);
        figures.push(
          `CLI: rollout result gave up ${Math.round(callMs / 1000)} s after the stall; ` +
            `rollout progress through the stalled tunnel ended after ${Math.round(connectMs / 1000)} s`,
        );
        await handle.terminate('test over');
      } finally {
        await db.drop();
      }
    } finally {
      await proxy.close();
    }
  });
});
