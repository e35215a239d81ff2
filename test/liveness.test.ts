// Every wait on PostgreSQL ends: a statement whose link stalls is given up within DETECTION_BOUND_MS, a long
// statement on a live link is proven and left alone, a connect, a goodbye and psql are bounded too; through
// the stall proxy (test/support/stallProxy.ts), on the run's real PostgreSQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { psqlEnv, runPsql } from '../src/db/psql';
import { END_BOUND_MS } from '../src/db/client';
import { DETECTION_BOUND_MS, DatabaseUnreachable, LIVENESS, trackSessions } from '../src/db/liveness';
import { createPool, poolWatch, withClient, type Pool } from '../src/db/pool';
import { count, freshDatabase, queryOnce } from './support/db';
import { startStallProxy, type StallProxy } from './support/stallProxy';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Bounds in assertions are the documented bound plus this much for a busy machine.
const SLACK_MS = 4_000;

function adminUrl(): string {
  const url = process.env.GR_TEST_PG_URL;
  if (!url) throw new Error('GR_TEST_PG_URL is not set: run the tests through jest (globalSetup)');
  return url;
}

async function proxied(): Promise<{ proxy: StallProxy; pool: Pool; direct: Pool; close: () => Promise<void> }> {
  const u = new URL(adminUrl());
  const proxy = await startStallProxy(u.hostname, Number(u.port));
  const pool = createPool(proxy.through(adminUrl()), { max: 1 });
  const direct = createPool(adminUrl(), { max: 1 });
  return {
    proxy,
    pool,
    direct,
    close: async () => {
      await Promise.all([pool.ended ? undefined : pool.end(), direct.end()]);
      await proxy.close();
    },
  };
}

/** Samples alive() until the promise settles: the first moment it was false, if any. */
async function firstUnproven(tracked: { result: Promise<unknown>; alive: () => boolean }): Promise<number | undefined> {
  let settled = false;
  void tracked.result.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    if (!tracked.alive()) return Date.now();
    await pause(100);
  }
  return undefined;
}

/** pid's sessions, asked until there are none or `withinMs` has passed. */
async function sessionsAfter(direct: Parameters<typeof count>[0], pid: unknown, withinMs: number): Promise<number> {
  const until = Date.now() + withinMs;
  for (;;) {
    const n = await count(direct, 'select count(*) as n from pg_stat_activity where pid = $1', [pid]);
    if (n === 0 || Date.now() > until) return n;
    await pause(50);
  }
}

describe('a stalled link to PostgreSQL', () => {
  const swallowed = 'a statement whose answer the stall swallows fails within the detection bound; its session ends';
  test.concurrent(swallowed, async () => {
    const { proxy, pool, direct, close } = await proxied();
    try {
      const backend = await withClient(pool, (c) => c.query<{ pid: number }>('select pg_backend_pid() as pid'));
      const pid = backend.rows[0]?.pid;
      const tracked = trackSessions(() => withClient(pool, (c) => c.query('begin; select pg_sleep(1)')));
      await pause(300);
      proxy.stall();
      const stalledAt = Date.now();
      const unproven = firstUnproven(tracked);
      const failure = await tracked.result.then(
        () => null,
        (err: unknown) => err,
      );
      const detectedMs = Date.now() - stalledAt;
      expect(failure).toBeInstanceOf(DatabaseUnreachable);
      expect(String(failure)).toMatch(
        /stopped answering: no reply to a statement since \S+Z, and a second connection got no answer within 10 s/,
      );
      expect(detectedMs).toBeLessThan(DETECTION_BOUND_MS + SLACK_MS);
      // Heartbeats stopped before the attempt failed, within provenForMs of the last proof.
      const unprovenAt = await unproven;
      expect(unprovenAt).toBeDefined();
      expect((unprovenAt ?? 0) - stalledAt).toBeLessThan(LIVENESS.provenForMs + SLACK_MS);
      // The server still keeps the session, idle in its transaction; the next connection that works ends it.
      expect(await count(direct, 'select count(*) as n from pg_stat_activity where pid = $1', [pid])).toBe(1);
      proxy.heal();
      await withClient(pool, (c) => c.query('select 1'));
      // pg_terminate_backend signals the backend; it leaves pg_stat_activity a moment later.
      expect(await sessionsAfter(direct, pid, 5_000)).toBe(0);
    } finally {
      await close();
    }
  });

  test.concurrent('a long statement on a live link is proven working and left alone', async () => {
    const { pool, close } = await proxied();
    try {
      const tracked = trackSessions(() => withClient(pool, (c) => c.query('select pg_sleep(12)')));
      expect(await firstUnproven(tracked)).toBeUndefined();
      await expect(tracked.result).resolves.toBeDefined();
    } finally {
      await close();
    }
  });

  test.concurrent("a server refusing the check's connection leaves the statement be", async () => {
    const db = await freshDatabase(null);
    const pool = createPool(db.url, { max: 1 });
    try {
      await withClient(pool, (c) => c.query('select 1'));
      await queryOnce(adminUrl(), `alter database ${db.name} allow_connections false`);
      await expect(withClient(pool, (c) => c.query('select pg_sleep(8)'))).resolves.toBeDefined();
    } finally {
      await pool.end();
      await queryOnce(adminUrl(), `alter database ${db.name} allow_connections true`);
      await db.drop();
    }
  });

  test.concurrent('a connection through a stalled link fails within the connect bound; no hanging close', async () => {
    const { proxy, pool, close } = await proxied();
    try {
      await withClient(pool, (c) => c.query('select 1'));
      proxy.stall();
      // The pooled connection is stalled too: a statement on it is found out, then a new one cannot be had.
      await expect(withClient(pool, (c) => c.query('select 1'))).rejects.toThrow(/stopped answering/);
      const started = Date.now();
      await expect(withClient(pool, (c) => c.query('select 1'))).rejects.toThrow(
        /^PostgreSQL is unreachable at 127\.0\.0\.1:\d+ since \S+Z: no connection within 10 s$/,
      );
      expect(Date.now() - started).toBeLessThan(10_000 + SLACK_MS);
      const closing = Date.now();
      await pool.end();
      expect(Date.now() - closing).toBeLessThan(END_BOUND_MS + SLACK_MS);
    } finally {
      await close();
    }
  });

  test.concurrent('psql whose link stalls is stopped within the detection bound, retryably', async () => {
    const { proxy, pool, close } = await proxied();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gr-psql-stall-'));
    const file = path.join(dir, 'slow.sql');
    writeFileSync(file, 'begin;\nselect pg_sleep(1);\nselect pg_sleep(30);\ncommit;\n');
    try {
      const run = runPsql(file, 'APR-X', psqlEnv(pool, `gr-psql-stall-${process.pid}`, ''), poolWatch(pool));
      await pause(2_500);
      proxy.stall();
      const stalledAt = Date.now();
      const failure = await run.then(
        () => null,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(DatabaseUnreachable);
      expect(String(failure)).toMatch(/psql's connection to PostgreSQL at 127\.0\.0\.1:\d+ stopped answering/);
      // Checked every probeAfterMs, each check bounded by probeBoundMs.
      expect(Date.now() - stalledAt).toBeLessThan(LIVENESS.probeAfterMs + LIVENESS.probeBoundMs + SLACK_MS);
    } finally {
      await close();
    }
  });
});
