// The worker reaches PostgreSQL through a tunnel that stalls (test/support/stallProxy.ts: every socket kept
// open, nothing passed) while a step's statement is out: in the gate read, the seed (ours and production's
// script through psql), the scan, the cursor step and a compensation. The worker finds the link dead, fails
// the attempt, says so in progress, and once new connections pass again the rollout ends with the packet's
// numbers (or compensated to the baseline), each row written once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { finalProgress } from '../../src/cli/execution';
import { pendingWaits, formatWaiting } from '../../src/cli/waiting';
import type { RolloutProgress } from '../../src/shared';
import { envFor, REPO, rollout } from '../support/cli';
import { count, fingerprint, freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import { startStallProxy, type StallProxy } from '../support/stallProxy';
import { holdRolloutLock, startProcessWorker, waitForBlockedBackend, type ProcessWorker } from './support/processWorker';
import { expectPacketNumbers, openGate, OTHER_SNAPSHOT, startScanRollout, temporalClient } from './support/rollouts';

type Stalled = 'readGate' | 'applySeed' | 'applyScan' | 'advanceCursor' | 'revertSeed';
const LOCK_ORDER: Stalled[] = ['applySeed', 'applyScan', 'advanceCursor', 'revertSeed'];
// Passed before revertSeed: the cursor step is refused (someone moved the cursor), then revertCursor and revertScan run.
const BEFORE_REVERT_SEED = ['applySeed', 'applyScan', 'advanceCursor', 'revertCursor', 'revertScan'];

interface Case {
  stalled: Stalled;
  /** Production's own seed script, through psql. */
  psql?: boolean;
  /** When new connections pass again, after the stall. */
  healAfterMs: number;
}

const HEAL_MS = 20_000;
const cases: Case[] = [
  { stalled: 'readGate', healAfterMs: HEAL_MS },
  { stalled: 'applySeed', healAfterMs: HEAL_MS },
  { stalled: 'applySeed', psql: true, healAfterMs: HEAL_MS },
  { stalled: 'applyScan', healAfterMs: HEAL_MS },
  { stalled: 'advanceCursor', healAfterMs: HEAL_MS },
  { stalled: 'revertSeed', healAfterMs: HEAL_MS },
  // Longer than any one attempt's bounds reach: the step keeps retrying, visibly, until the tunnel heals.
  { stalled: 'applyScan', healAfterMs: 75_000 },
];

/** The bound: the rollout ends within 2 minutes of the stall. */
const END_BOUND_MS = 120_000;
const PRODUCTION_SEED = path.join(REPO, 'test', 'fixtures', 'production_seed.sql');
const DB_WAIT = /^waiting: (\w+) attempt (\d+)(?: \(next try \S+\))?: (psql's connection to )?PostgreSQL 127\.0\.0\.1:\d+ (stopped answering|unreachable since)/;

const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) process.stdout.write(`stall figures:\n${figures.join('\n')}\n`);
});

/** Follows what the rollout says it waits for until `done`: the first line naming the database, and when. */
function watchWaits(handle: Parameters<typeof pendingWaits>[0], from: number): { stop: () => Promise<{ line: string; atMs: number } | null> } {
  let stopped = false;
  let first: { line: string; atMs: number } | null = null;
  const polling = (async () => {
    while (!stopped) {
      const waits = await pendingWaits(handle).catch(() => []);
      const line = waits.map(formatWaiting).find((l) => DB_WAIT.test(l));
      if (line && !first) first = { line, atMs: Date.now() - from };
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await polling;
      return first;
    },
  };
}

/** psql's own session (application_name governed-rollout seed …) waiting on a lock. */
async function waitForPsqlBlocked(url: string): Promise<void> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 600; i += 1) {
      const { rowCount } = await client.query(
        "select 1 from pg_stat_activity where application_name like 'governed-rollout seed %' and wait_event_type = 'Lock'",
      );
      if (rowCount) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('psql never waited on the lock');
  } finally {
    await client.end();
  }
}

describe('a stalled tunnel between the worker and PostgreSQL', () => {
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  beforeAll(async () => {
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal.close();
  });

  test.concurrent.each(cases)(
    'stalled in $stalled (psql: $psql), new connections pass after $healAfterMs ms: the rollout ends right, within 2 minutes',
    async ({ stalled, psql, healAfterMs }) => {
      const db: TestDatabase = await freshDatabase();
      const admin = new URL(db.url);
      const proxy: StallProxy = await startStallProxy(admin.hostname, Number(admin.port));
      const tableLock = new PgClient({ connectionString: db.url });
      tableLock.on('error', () => undefined);
      await tableLock.connect();
      const lock = await holdRolloutLock(db.url);
      const workers: ProcessWorker[] = [];
      let healing: NodeJS.Timeout | undefined;
      try {
        const where = { url: proxy.through(db.url), target: db.name, taskQueue: unique('tq-stall') };
        await ratify(db.pool);
        const snapshotRef = await takeSnapshot(db.pool);
        await db.pool.query('insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ($1, $2, 0)', [OTHER_SNAPSHOT, 'x']);
        const before = await fingerprint(db.pool);
        workers.push(await startProcessWorker(where));
        const seedScript = psql ? { path: PRODUCTION_SEED, sha256: createHash('sha256').update(readFileSync(PRODUCTION_SEED)).digest('hex') } : undefined;
        const handle = await startScanRollout(temporal.client, { taskQueue: where.taskQueue, target: db.name, snapshotRef, seedScript });

        // Bring the stalled statement out: its session waits on a lock the test holds, then the stall, then the lock goes,
        // so the server's answer is sent into the stall.
        let release: () => Promise<void>;
        if (stalled === 'readGate') {
          await lock.release();
          await tableLock.query('begin');
          await tableLock.query('lock table os_proposal_approvals in access exclusive mode');
          await openGate(handle);
          await waitForBlockedBackend(db.url, 'relation');
          release = async () => {
            await tableLock.query('commit');
          };
        } else if (psql) {
          await openGate(handle);
          await waitForBlockedBackend(db.url, 'advisory');
          await tableLock.query('begin');
          await tableLock.query('lock table os_proposal_approvals in access exclusive mode');
          await lock.release();
          await waitForPsqlBlocked(db.url);
          release = async () => {
            await tableLock.query('commit');
          };
        } else {
          await openGate(handle);
          const passing = stalled === 'revertSeed' ? BEFORE_REVERT_SEED : LOCK_ORDER.slice(0, LOCK_ORDER.indexOf(stalled));
          for (const step of passing) {
            await waitForBlockedBackend(db.url, 'advisory');
            // Someone else moves the cursor while the advance waits: the step refuses, compensation runs.
            if (step === 'advanceCursor') {
              await db.pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [OTHER_SNAPSHOT]);
            }
            await lock.passOne();
          }
          await waitForBlockedBackend(db.url, 'advisory');
          release = () => lock.release();
        }
        proxy.stall();
        const stalledAt = Date.now();
        await release();
        healing = setTimeout(() => {
          proxy.heal();
        }, healAfterMs);
        const waits = watchWaits(handle, stalledAt);

        let shown = '';
        if (healAfterMs > HEAL_MS) {
          // What an operator sees meanwhile: `rollout progress` names the step, the attempt and the database it waits for.
          await new Promise((r) => setTimeout(r, healAfterMs - 15_000));
          shown = (await rollout(['progress', handle.workflowId], envFor(null, { TEMPORAL_TASK_QUEUE: where.taskQueue }))).stdout;
        }
        const final: RolloutProgress = await finalProgress(handle);
        const endedMs = Date.now() - stalledAt;
        const seen = await waits.stop();

        expect(seen?.line).toMatch(DB_WAIT);
        expect(DB_WAIT.exec(seen?.line ?? '')?.[1]).toBe(stalled);
        if (shown) expect(shown).toMatch(new RegExp(`\\n${DB_WAIT.source.slice(1)}`));
        expect(endedMs).toBeLessThan(healAfterMs + END_BOUND_MS - HEAL_MS);
        figures.push(
          `${stalled}${psql ? ' (psql)' : ''}, healed after ${healAfterMs / 1000} s: progress named the wait ${Math.round((seen?.atMs ?? 0) / 1000)} s ` +
            `after the stall, the rollout ended ${Math.round(endedMs / 1000)} s after it (${final.state})`,
        );

        if (stalled === 'revertSeed') {
          expect(final.state).toBe('COMPENSATED');
          expect(final.steps.map((s) => s.status)).toEqual(['compensated', 'compensated', 'compensated']);
          expect(final.steps[0]?.compensation).toMatchObject({ deleted: 30 });
          const after = await fingerprint(db.pool);
          expect({ ...after, scan_cursor: '' }).toEqual({ ...before, scan_cursor: '' });
        } else {
          await expectPacketNumbers(db.pool, final, true);
          expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
          expect(await count(db.pool, 'select count(*) as n from governed_rollout.step_done where reverted_at is null')).toBe(3);
        }
        if (stalled === 'readGate') expect(final.gate.attempts.map((a) => a.outcome)).toEqual(['accepted']);
      } finally {
        clearTimeout(healing);
        await lock.close();
        await tableLock.end().catch(() => undefined);
        for (const w of workers) await w.stop();
        await proxy.close();
        await db.drop();
      }
    },
    300_000,
  );
});
