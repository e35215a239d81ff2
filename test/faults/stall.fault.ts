// The worker reaches PostgreSQL through a tunnel that stalls (test/support/stallProxy.ts: every socket kept
// open, nothing passed) while a step's statement is out: in the gate read, the seed (ours and production's
// script through psql), the scan, the cursor step and a compensation. The worker finds the link dead, fails
// the attempt, says so in progress, and once new connections pass again the rollout ends with the packet's
// numbers (or compensated to the baseline), each row written once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { finalProgress, type RolloutHandle } from '../../src/cli/execution';
import { DETECTION_BOUND_MS } from '../../src/db/liveness';
import { formatWaiting, pendingWaits } from '../../src/cli/waiting';
import { envFor, expectOneLineError, REPO, rollout } from '../support/cli';
import { APR, fingerprint, freshDatabase, ratify, takeSnapshot, type TestDatabase } from '../support/db';
import { unique } from '../support/names';
import { startStallProxy } from '../support/stallProxy';
import { holdRolloutLock, startProcessWorker, waitForBlockedBackend } from './support/processWorker';
import type { ProcessWorker, RolloutLock } from './support/processWorker';
import { addOtherSnapshot, expectCompensatedBaseline, expectPacketNumbers, moveCursorAway } from './support/rollouts';
import { openGate, stepsDone } from './support/rollouts';
import { startScanRollout, useTemporalClient } from './support/rollouts';

type Stalled = 'readGate' | 'applyStep seed' | 'applyStep scan' | 'applyStep cursor' | 'revertStep seed';
// The write activities in the order they take the rollout lock, the cursor step refused (the cursor moved).
const LOCK_ORDER = [
  'applyStep seed',
  'applyStep scan',
  'applyStep cursor',
  'revertStep cursor',
  'revertStep scan',
  'revertStep seed',
];

interface Case {
  stalled: Stalled;
  /** Production's own seed script, through psql. */
  psql: boolean;
  /** When new connections pass again, after the stall. */
  healAfterMs: number;
}

const HEAL_MS = 20_000;
const cases: Case[] = [
  { stalled: 'readGate', psql: false, healAfterMs: HEAL_MS },
  { stalled: 'applyStep seed', psql: false, healAfterMs: HEAL_MS },
  { stalled: 'applyStep seed', psql: true, healAfterMs: HEAL_MS },
  { stalled: 'applyStep scan', psql: false, healAfterMs: HEAL_MS },
  { stalled: 'applyStep cursor', psql: false, healAfterMs: HEAL_MS },
  { stalled: 'revertStep seed', psql: false, healAfterMs: HEAL_MS },
  // Longer than any one attempt's bounds reach: the step keeps retrying, visibly, until the tunnel heals.
  { stalled: 'applyStep scan', psql: false, healAfterMs: 75_000 },
];

/** The bound: the rollout ends within 2 minutes of the stall (of the healing, less 20 s, for a late one). */
const END_BOUND_MS = 120_000;
const PRODUCTION_SEED = path.join(REPO, 'test', 'fixtures', 'production_seed.sql');
const WHERE = '127\\.0\\.0\\.1:\\d+';
const DB_WAIT = new RegExp(
  '^waiting: (\\w+(?: \\w+)?) attempt \\d+(?: \\(next try \\S+\\))?: (?:' +
    `(?:psql's connection to )?PostgreSQL at ${WHERE} stopped answering|PostgreSQL is unreachable at ${WHERE} since)`,
);

const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) process.stdout.write(`stall figures:\n${figures.join('\n')}\n`);
});

interface Seen {
  line: string;
  atMs: number;
}

/** Follows what the rollout says it waits for until stopped: the first line naming the database, and when. */
function watchWaits(handle: RolloutHandle, from: number): { stop: () => Promise<Seen | null> } {
  let stopped = false;
  let first: Seen | null = null;
  const polling = (async () => {
    while (!stopped) {
      const line = (await pendingWaits(handle).catch(() => [])).map(formatWaiting).find((l) => DB_WAIT.test(l));
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
        `select 1 from pg_stat_activity
          where application_name like 'governed-rollout seed %' and wait_event_type = 'Lock'`,
      );
      if (rowCount) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('psql never waited on the lock');
  } finally {
    await client.end();
  }
}

/**
 * Brings the stalled step's statement out: its session waits on a lock the test holds. Returns what lets it
 * go, to be called once the tunnel stalls, so the server's answer is sent into the stall.
 */
async function holdAt(c: Case, db: TestDatabase, handle: RolloutHandle, lock: RolloutLock, tableLock: PgClient) {
  const lockApprovals = async () => {
    await tableLock.query('begin');
    await tableLock.query('lock table os_proposal_approvals in access exclusive mode');
  };
  const releaseApprovals = async () => {
    await tableLock.query('commit');
  };
  if (c.stalled === 'readGate') {
    await lock.release();
    await lockApprovals();
    await openGate(handle);
    await waitForBlockedBackend(db.url, 'relation');
    return releaseApprovals;
  }
  await openGate(handle);
  if (c.psql) {
    // psql starts once the seed has the rollout lock, then waits on the approvals its script counts.
    await waitForBlockedBackend(db.url, 'advisory');
    await lockApprovals();
    await lock.release();
    await waitForPsqlBlocked(db.url);
    return releaseApprovals;
  }
  for (const step of LOCK_ORDER.slice(0, LOCK_ORDER.indexOf(c.stalled))) {
    await waitForBlockedBackend(db.url, 'advisory');
    if (step === 'applyStep cursor') await moveCursorAway(db.pool);
    await lock.passOne();
  }
  await waitForBlockedBackend(db.url, 'advisory');
  return () => lock.release();
}

describe('a stalled tunnel between the worker and PostgreSQL', () => {
  const temporal = useTemporalClient();

  const name = 'stalled in $stalled (psql: $psql), healing after $healAfterMs ms: the rollout ends right';
  test.concurrent.each(cases)(
    name,
    async (c) => {
      const db = await freshDatabase();
      const admin = new URL(db.url);
      const proxy = await startStallProxy(admin.hostname, Number(admin.port));
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
        await addOtherSnapshot(db.pool);
        const before = await fingerprint(db.pool);
        workers.push(await startProcessWorker(where));
        const sha256 = createHash('sha256').update(readFileSync(PRODUCTION_SEED)).digest('hex');
        const seedScript = c.psql ? { path: PRODUCTION_SEED, sha256 } : undefined;
        const handle = await startScanRollout(temporal().client, { ...where, snapshotRef, seedScript });

        const release = await holdAt(c, db, handle, lock, tableLock);
        proxy.stall();
        const stalledAt = Date.now();
        await release();
        healing = setTimeout(() => {
          proxy.heal();
        }, c.healAfterMs);
        const waits = watchWaits(handle, stalledAt);

        let shown = '';
        if (c.healAfterMs > HEAL_MS) {
          // What an operator sees meanwhile: `rollout progress` names the step, the attempt and the database.
          await new Promise((r) => setTimeout(r, c.healAfterMs - 15_000));
          const env = envFor(null, { TEMPORAL_TASK_QUEUE: where.taskQueue });
          shown = (await rollout(['progress', handle.workflowId], env)).stdout;
        }
        const final = await finalProgress(handle);
        const endedMs = Date.now() - stalledAt;
        const seen = await waits.stop();

        expect(seen?.line).toMatch(DB_WAIT);
        expect(DB_WAIT.exec(seen?.line ?? '')?.[1]).toBe(c.stalled);
        if (shown) expect(shown).toMatch(new RegExp(`\\n${DB_WAIT.source.slice(1)}`));
        expect(endedMs).toBeLessThan(c.healAfterMs - HEAL_MS + END_BOUND_MS);
        figures.push(
          `${c.stalled}${c.psql ? ' (psql)' : ''}, healed after ${c.healAfterMs / 1000} s: progress named the wait ` +
            `${Math.round((seen?.atMs ?? 0) / 1000)} s after the stall, ` +
            `the rollout ended ${Math.round(endedMs / 1000)} s after it (${final.state})`,
        );

        if (c.stalled === 'revertStep seed') {
          await expectCompensatedBaseline(db.pool, final, before);
        } else {
          await expectPacketNumbers(db.pool, final, true);
          expect(final.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
          expect(await stepsDone(db.pool)).toBe(3);
        }
        if (c.stalled === 'readGate') expect(final.gate.attempts.map((a) => a.outcome)).toEqual(['accepted']);
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

  test.concurrent("the CLI's reads: rollout plan whose tunnel stalls mid-read ends in the bound", async () => {
    const db = await freshDatabase();
    const admin = new URL(db.url);
    const proxy = await startStallProxy(admin.hostname, Number(admin.port));
    const tableLock = new PgClient({ connectionString: db.url });
    await tableLock.connect();
    try {
      await tableLock.query('begin');
      await tableLock.query('lock table os_proposal_approvals in access exclusive mode');
      const planning = rollout(['plan', '--apr', APR], envFor(null, { DATABASE_URL: proxy.through(db.url) }), 120_000);
      await waitForBlockedBackend(db.url, 'relation');
      proxy.stall();
      const stalledAt = Date.now();
      await tableLock.query('commit');
      const plan = await planning;
      const endedMs = Date.now() - stalledAt;
      expectOneLineError(plan, /^rollout: PostgreSQL at 127\.0\.0\.1:\d+ stopped answering: .*: check DATABASE_URL/);
      expect(endedMs).toBeLessThan(DETECTION_BOUND_MS + 5_000);
      figures.push(`rollout plan, stalled mid-read: ended ${Math.round(endedMs / 1000)} s after the stall`);
    } finally {
      await tableLock.end().catch(() => undefined);
      await proxy.close();
      await db.drop();
    }
  });
});
