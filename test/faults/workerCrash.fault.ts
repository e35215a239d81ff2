// SIGKILL of the worker process in the middle of each activity; a fresh worker finishes the rollout.
import { Client as PgClient } from 'pg';
import { fingerprint, freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import {
  holdRolloutLock,
  startProcessWorker,
  waitForBlockedBackend,
  type ProcessWorker,
} from './support/processWorker';
import { expectPacketNumbers, openGate, OTHER_SNAPSHOT, startScanRollout, useTemporalClient } from './support/rollouts';
import { finalProgress } from '../../src/cli/execution';

type Activity = 'readGate' | 'seed' | 'scan' | 'cursor' | 'compensate cursor' | 'compensate scan' | 'compensate seed';

// Write activities in the order they take the rollout lock: the three steps, then (after the
// cursor step is refused as drift) the three compensations in reverse order.
const LOCK_ORDER: Activity[] = ['seed', 'scan', 'cursor', 'compensate cursor', 'compensate scan', 'compensate seed'];
const COMPENSATIONS = new Set<Activity>(['compensate cursor', 'compensate scan', 'compensate seed']);

const cases: { activity: Activity; kills: number }[] = [
  { activity: 'readGate', kills: 1 },
  { activity: 'seed', kills: 3 },
  { activity: 'scan', kills: 1 },
  { activity: 'cursor', kills: 2 },
  { activity: 'compensate cursor', kills: 1 },
  { activity: 'compensate scan', kills: 1 },
  { activity: 'compensate seed', kills: 2 },
];

describe('worker process SIGKILLed mid-activity, a fresh worker takes over', () => {
  const temporal = useTemporalClient();

  test.concurrent.each(cases)(
    "killed $kills time(s) in $activity: the rollout ends with the packet's numbers",
    async ({ activity, kills }) => {
      const db: TestDatabase = await freshDatabase();
      const workers: ProcessWorker[] = [];
      const gateLock = new PgClient({ connectionString: db.url });
      gateLock.on('error', () => undefined);
      const lock = activity === 'readGate' ? undefined : await holdRolloutLock(db.url);
      try {
        const where = { url: db.url, target: db.name, taskQueue: unique('tq-kill') };
        await ratify(db.pool);
        const snapshotRef = await takeSnapshot(db.pool);
        await db.pool.query(
          'insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ($1, $2, 0)',
          [OTHER_SNAPSHOT, 'x'],
        );
        const compensating = COMPENSATIONS.has(activity);
        const before = await fingerprint(db.pool);
        workers.push(await startProcessWorker(where));
        const handle = await startScanRollout(temporal().client, {
          taskQueue: where.taskQueue,
          target: db.name,
          snapshotRef,
        });

        const orphans = new Set<number>();
        const killAll = async (waitEvent: 'advisory' | 'relation') => {
          for (let k = 0; k < kills; k += 1) {
            orphans.add(await waitForBlockedBackend(db.url, waitEvent, orphans));
            await workers[workers.length - 1]?.kill();
            workers.push(await startProcessWorker(where));
          }
        };

        if (activity === 'readGate') {
          await gateLock.connect();
          await gateLock.query('begin');
          await gateLock.query('lock table os_proposal_approvals in access exclusive mode');
          await openGate(handle);
          await killAll('relation');
          await gateLock.query('commit');
        } else {
          await openGate(handle);
          for (const passing of LOCK_ORDER.slice(0, LOCK_ORDER.indexOf(activity))) {
            await waitForBlockedBackend(db.url, 'advisory');
            // Someone else moves the cursor while the advance waits: the step refuses, compensation runs.
            if (passing === 'cursor') {
              await db.pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [
                OTHER_SNAPSHOT,
              ]);
            }
            await lock?.passOne();
          }
          await killAll('advisory');
          await lock?.release();
        }

        const final = await finalProgress(handle);
        if (compensating) {
          expect(final.state).toBe('COMPENSATED');
          expect(final.reason).toMatch(
            /scan_cursor governance_scan moved meanwhile.*; 72 row\(s\) undone, baseline verified$/,
          );
          expect(final.steps.map((s) => s.status)).toEqual(['compensated', 'compensated', 'compensated']);
          expect(final.steps[0]?.compensation).toMatchObject({ deleted: 30 });
          expect(final.steps[1]?.compensation).toMatchObject({ deleted: 5 + 35 + 1 + 1 });
          // Every table as before, but the cursor someone else moved stays where they put it.
          const after = await fingerprint(db.pool);
          expect({ ...after, scan_cursor: '' }).toEqual({ ...before, scan_cursor: '' });
        } else {
          await expectPacketNumbers(db.pool, final, true);
          expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
          const cursor = await db.pool.query<{ snapshot_ref: string }>(
            "select snapshot_ref from scan_cursor where cursor_name = 'governance_scan'",
          );
          expect(cursor.rows[0]?.snapshot_ref).toBe(snapshotRef);
        }
      } finally {
        await lock?.close();
        await gateLock.end().catch(() => undefined);
        for (const w of workers) await w.stop();
        await db.drop();
      }
    },
    300_000,
  );
});
