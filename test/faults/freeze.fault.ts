// A worker frozen (SIGSTOP) in the middle of a transaction, holding the rollout lock, while a second worker
// runs: the server ends the stale session (idle_in_transaction_session_timeout), the second worker's retry
// finishes the step exactly once, and the frozen worker, resumed (SIGCONT), changes nothing afterwards.
import { Client as PgClient } from 'pg';
import { finalProgress } from '../../src/cli/execution';
import { SESSION_LIMITS } from '../../src/db/pool';
import { fingerprint, freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import {
  holdRolloutLock,
  startProcessWorker,
  waitForBlockedBackend,
  type ProcessWorker,
} from './support/processWorker';
import {
  expectCompensatedBaseline,
  expectPacketNumbers,
  openGate,
  OTHER_SNAPSHOT,
  startScanRollout,
  useTemporalClient,
} from './support/rollouts';

type Frozen = 'seed' | 'scan' | 'cursor' | 'compensate seed';
const LOCK_ORDER = ['seed', 'scan', 'cursor', 'compensate cursor', 'compensate scan', 'compensate seed'];

/** The bound this suite holds the recovery to: the stale session's end plus a few retries. */
const RECOVERY_BOUND_MS = 120_000;

async function backendGone(url: string, pid: number): Promise<number> {
  const watch = new PgClient({ connectionString: url, application_name: 'fault-test-watch' });
  await watch.connect();
  try {
    const started = Date.now();
    for (;;) {
      const { rowCount } = await watch.query('select 1 from pg_stat_activity where pid = $1', [pid]);
      if (rowCount === 0) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await watch.end();
  }
}

/** Figures for docs/RELIABILITY.md, printed once the suite ran. */
const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) process.stdout.write(`freeze figures:\n${figures.join('\n')}\n`);
});

describe('a worker frozen mid-transaction, a second worker running', () => {
  const temporal = useTemporalClient();

  test.concurrent.each<Frozen>(['seed', 'scan', 'cursor', 'compensate seed'])(
    'frozen in %s: the rollout ends with the packet numbers (or every table as before), the frozen worker writes ' +
      'nothing',
    async (frozen) => {
      const db: TestDatabase = await freshDatabase();
      const workers: ProcessWorker[] = [];
      const lock = await holdRolloutLock(db.url);
      let paused: ProcessWorker | undefined;
      try {
        const where = { url: db.url, target: db.name, taskQueue: unique('tq-freeze') };
        await ratify(db.pool);
        const snapshotRef = await takeSnapshot(db.pool);
        await db.pool.query(
          'insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ($1, $2, 0)',
          [OTHER_SNAPSHOT, 'x'],
        );
        const compensating = frozen === 'compensate seed';
        const before = await fingerprint(db.pool);
        const first = await startProcessWorker(where);
        workers.push(first);
        const handle = await startScanRollout(temporal().client, {
          taskQueue: where.taskQueue,
          target: db.name,
          snapshotRef,
        });
        await openGate(handle);
        for (const passing of LOCK_ORDER.slice(0, LOCK_ORDER.indexOf(frozen))) {
          await waitForBlockedBackend(db.url, 'advisory');
          if (passing === 'cursor') {
            await db.pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [
              OTHER_SNAPSHOT,
            ]);
          }
          await lock.passOne();
        }
        // The step's transaction is open and waits for the lock: freeze the worker, then let its session take
        // the lock, so a frozen client's session holds it, idle in transaction.
        const staleBackend = await waitForBlockedBackend(db.url, 'advisory');
        workers.push(await startProcessWorker(where));
        process.kill(first.pid, 'SIGSTOP');
        paused = first;
        const frozenAt = Date.now();
        await lock.release();
        const heldMs = await backendGone(db.url, staleBackend);

        const final = await finalProgress(handle);
        const recoveredMs = Date.now() - frozenAt;
        expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
        figures.push(
          `${frozen}: stale session held the lock ${Math.round(heldMs / 1000)} s (limit ` +
            (`${SESSION_LIMITS.idleInTransactionMs / 1000} s); ` +
              `rollout ended ${Math.round(recoveredMs / 1000)} s ` +
              `after `) +
            `the freeze`,
        );

        if (compensating) {
          await expectCompensatedBaseline(db.pool, final, before);
        } else {
          await expectPacketNumbers(db.pool, final, true);
          expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
        }

        // Resumed, the frozen worker finds its session gone: whatever it still sends is refused.
        const settled = await fingerprint(db.pool);
        process.kill(first.pid, 'SIGCONT');
        paused = undefined;
        await new Promise((r) => setTimeout(r, 5_000));
        expect(await fingerprint(db.pool)).toEqual(settled);
      } finally {
        if (paused) process.kill(paused.pid, 'SIGCONT');
        await lock.close();
        for (const w of workers) await w.stop();
        await db.drop();
      }
    },
    300_000,
  );
});
