import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RolloutProgress } from '../src/shared';
import { envFor, expectOneLineError, lastLine, REPO, rollout, startCliWorker, type CliWorker } from './support/cli';
import { count, fingerprint, freshDatabase, ratify, type TestDatabase } from './support/db';
import { unique } from './support/names';

const RULESET = path.join(REPO, 'examples', 'ruleset.clone.json');

describe('rollout CLI', () => {
  let db: TestDatabase;
  let worker: CliWorker | undefined;
  afterEach(async () => {
    if (worker) expect(await worker.stop()).toBe(0);
    worker = undefined;
    await db.drop();
  });

  test('db init loads the clone into an empty database, refuses a non-empty one, rebuilds with --reset', async () => {
    db = await freshDatabase(null);
    const env = envFor(db);
    const first = await rollout(['db', 'init'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('own=0 gap=210 conflict=0 gov_emit=0');
    const loaded = await fingerprint(db.pool);

    expectOneLineError(await rollout(['db', 'init'], env), /not empty: pass --reset/);
    expect(await fingerprint(db.pool)).toEqual(loaded);

    await ratify(db.pool);
    expect((await rollout(['db', 'init', '--reset'], env)).code).toBe(0);
    expect(await count(db.pool, 'select count(*) as n from os_proposal_approvals')).toBe(0);
    expect(await fingerprint(db.pool)).toEqual(loaded);
  });

  test('--reset refuses a database that db init did not build', async () => {
    db = await freshDatabase(null);
    await db.pool.query('create table precious (id int)');
    expectOneLineError(await rollout(['db', 'init', '--reset'], envFor(db)), /was not built by `rollout db init`/);
    expect(await count(db.pool, "select count(*) as n from pg_tables where tablename = 'precious'")).toBe(1);
  });

  test('bad input: one clear line on stderr, a non-zero exit, nothing written', async () => {
    db = await freshDatabase();
    const env = envFor(db);
    const before = await fingerprint(db.pool);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-cli-'));
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    const badShape = path.join(dir, 'bad.json');
    writeFileSync(
      badShape,
      JSON.stringify({ code: 'RS-X', version: 1, domains: ["GD01'; drop table candidate_state; --"] }),
    );
    const snap = 'SNAP-20261124T101500Z-1a2b3c4d';

    const cases: [string[], RegExp][] = [
      [
        ['start', '--apr', "APR-1'; delete from os_proposal_approvals; --"],
        /an APR code looks like APR-BOOT-AUTHMODEL-1/,
      ],
      [['start', '--apr', 'apr-boot-1'], /an APR code looks like/],
      [['start'], /required option '--apr <code>'/],
      [['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--scan'], /--scan needs --ruleset FILE and --snapshot-ref REF/],
      [['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--ruleset', RULESET], /--ruleset and --snapshot-ref go with --scan/],
      [
        [
          'start',
          '--apr',
          'APR-BOOT-AUTHMODEL-1',
          '--scan',
          '--ruleset',
          path.join(dir, 'missing.json'),
          '--snapshot-ref',
          snap,
        ],
        /cannot read ruleset file/,
      ],
      [
        ['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--scan', '--ruleset', notJson, '--snapshot-ref', snap],
        /is not valid JSON/,
      ],
      [
        ['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--scan', '--ruleset', badShape, '--snapshot-ref', snap],
        /domains\.0: a domain code is/,
      ],
      [
        ['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--scan', '--ruleset', RULESET, '--snapshot-ref', 'latest'],
        /a snapshot ref looks like/,
      ],
      [['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--gate-timeout', 'soon'], /duration "soon" is not like/],
      [['progress', 'no-such-rollout-' + unique('x')], /no rollout with workflow id/],
      [['progress', 'bad id with spaces'], /a workflow id is/],
      [['gate-open', unique('missing'), '--by', 'me'], /no rollout with workflow id/],
      [['cancel', unique('missing')], /no rollout with workflow id/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, pattern] of cases) {
      const result = await rollout(args, env);
      try {
        expectOneLineError(result, pattern);
      } catch (err) {
        throw new Error(`rollout ${args.join(' ')}: ${String(err)}\nstderr: ${result.stderr}`);
      }
    }
    expect(await fingerprint(db.pool)).toEqual(before);
  });

  test('unreachable Temporal or PostgreSQL is said plainly, and the password never shows', async () => {
    db = await freshDatabase();
    const noTemporal = await rollout(['progress', 'rollout-x'], envFor(db, { TEMPORAL_ADDRESS: '127.0.0.1:1' }));
    expectOneLineError(noTemporal, /Temporal is unreachable at 127\.0\.0\.1:1/);
    const noDb = await rollout(
      ['snapshot', 'create'],
      envFor(db, { DATABASE_URL: 'postgresql://ops:s3cret-pw@127.0.0.1:1/directus' }),
    );
    expectOneLineError(noDb, /PostgreSQL is unreachable/);
    expect(noDb.stderr + noDb.stdout).not.toContain('s3cret-pw');
    expectOneLineError(
      await rollout(['snapshot', 'create'], envFor(db, { DATABASE_URL: 'mysql://x' })),
      /DATABASE_URL must be a postgres/,
    );
    // A worker that cannot start ends with its one line and its code, rather than hanging on its runtime.
    const noDbWorker = await rollout(
      ['worker'],
      envFor(db, { DATABASE_URL: 'postgresql://ops:s3cret-pw@127.0.0.1:1/directus' }),
      30_000,
    );
    expectOneLineError(noDbWorker, /PostgreSQL is unreachable/);
    expect(noDbWorker.code).toBe(1);
  });

  test(
    'start, gate-open refused then accepted, progress, ' + 'result; a second start refused; cancel compensates',
    async () => {
      db = await freshDatabase();
      const env = envFor(db);
      worker = await startCliWorker(env);

      const snapshot = await rollout(['snapshot', 'create'], env);
      expect(snapshot.code).toBe(0);
      const snapshotRef = lastLine(snapshot.stdout);
      expect(snapshotRef).toMatch(/^SNAP-\d{8}T\d{6}Z-[0-9a-f]{8}$/);

      const started = await rollout(
        ['start', '--apr', 'APR-BOOT-AUTHMODEL-1', '--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef],
        env,
      );
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      const id = lastLine(started.stdout);
      expect(id).toBe(`rollout-127.0.0.1-${new URL(db.url).port}-${db.name}`);

      expectOneLineError(
        await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env),
        new RegExp(`already running as ${id.replace(/\./g, '\\.')}`),
      );

      const refused = await rollout(['gate-open', id, '--by', 'eager operator'], env);
      expect(refused.code).toBe(0);
      expect(lastLine(refused.stdout)).toBe('refused');
      expect(refused.stdout).toContain('ospa=0');
      expect(await count(db.pool, 'select count(*) as n from governance_object_ownership')).toBe(0);

      await ratify(db.pool);
      const accepted = await rollout(['gate-open', id, '--by', 'ops on call'], env);
      expect(lastLine(accepted.stdout)).toBe('accepted');

      const result = await rollout(['result', id, '--json'], env);
      expect(result.code).toBe(0);
      const final = JSON.parse(result.stdout) as RolloutProgress;
      expect(final).toMatchObject({
        workflowId: id,
        state: 'COMPLETED',
        gate: { accepted: true, openedBy: 'ops on call' },
      });
      expect(final.metrics).toMatchObject({ own: 30, gap: 0, conflict: 0, gov_emit: 0, coverage_pct: 100 });
      expect(final.gate.attempts.map((a) => a.outcome)).toEqual(['refused', 'accepted']);
      expect(final.steps.map((s) => [s.name, s.status])).toEqual([
        ['seed', 'done'],
        ['scan', 'done'],
        ['cursor', 'done'],
      ]);
      for (const s of final.steps) expect(s.sqlSha256).toMatch(/^[0-9a-f]{64}$/);

      const progress = await rollout(['progress', id, '--json'], env);
      expect(JSON.parse(progress.stdout)).toEqual(final);
      const text = await rollout(['progress', id], env);
      expect(text.stdout).toContain('COMPLETED');
      expect(text.stdout).toContain('own=30 gap=0 conflict=0 gov_emit=0 coverage_pct=100 (30 direct + 210 inherited');

      // The first rollout ended, so the target's id is free again; cancel this one before its gate.
      const again = await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env);
      expect(lastLine(again.stdout)).toBe(id);
      const cancelled = await rollout(['cancel', id], env);
      expect(cancelled.code).toBe(0);
      const after = JSON.parse((await rollout(['result', id, '--json'], env)).stdout) as RolloutProgress;
      expect(after.state).toBe('COMPENSATED');
      expect(await count(db.pool, 'select count(*) as n from governance_object_ownership')).toBe(30);
    },
  );

  test('npx rollout works from the repository root', async () => {
    db = await freshDatabase();
    const help = spawnSync('npx', ['--no-install', 'rollout', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const command of ['worker', 'start', 'gate-open', 'progress', 'cancel', 'result', 'db', 'snapshot', 'demo']) {
      expect(help.stdout).toContain(command);
    }
  });
});
