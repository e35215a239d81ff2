// The clone fixture and the packet's psql seed script, without the workflow: the baseline numbers,
// the seed run by hand with the real psql (file and stdin), its guard under every drift, the
// packet's rollback, and the triggers the packet warns are not inert.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Notification } from 'pg';
import { measure } from '../src/db/measure';
import { seed } from '../src/steps/seed';
import { Expected } from '../src/shared';
import type { Pool } from '../src/db/pool';
import { APR, count, fingerprint, freshDatabase, ratify, type TestDatabase } from './support/db';
import { SEEDED_METRICS } from './support/packet';

const SEED_SQL = path.resolve(__dirname, '..', 'sql', 'commit_ready_f6_ownership_seed.sql');
const ROLLBACK = "DELETE FROM governance_object_ownership WHERE created_by='F6_OWNERSHIP_SEED_COMMIT'";

/** What the packet measures at clone baseline, once the APR is ratified. */
const RATIFIED_BASELINE = {
  ospa: 1,
  own: 0,
  gap: 210,
  conflict: 0,
  gov_emit: 0,
  gov_types_active: 0,
  direct: 0,
  inherited: 0,
  coverage_pct: 0,
};
/** The packet's verification after Phase 1. */
/** The packet's numbers of a measure. */
async function numbers(pool: Parameters<typeof measure>[0], apr: string): Promise<Record<string, number>> {
  return { ...(await measure(pool, apr)) };
}

const SEEDED = SEEDED_METRICS;

interface PsqlOptions {
  /** The APR passed as -v ratified_apr; null leaves the variable unset. */
  apr?: string | null;
  /** Pipe the script on stdin (`-f -`), as the packet's ssh/docker channel does. */
  stdin?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The seed script as an operator runs it by hand: the real psql binary, no psqlrc. */
function runSeedPsql(url: string, { apr = APR, stdin = false, env }: PsqlOptions = {}) {
  const args = [url, '-X', '-q'];
  if (apr !== null) args.push('-v', `ratified_apr=${apr}`);
  args.push('-f', stdin ? '-' : SEED_SQL);
  const run = spawnSync('psql', args, {
    encoding: 'utf8',
    input: stdin ? readFileSync(SEED_SQL, 'utf8') : undefined,
    env: env ?? process.env,
    timeout: 60_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const triggersOn = (pool: Pool, table: string) =>
  count(pool, 'select count(*) as n from pg_trigger where tgrelid = $1::regclass and not tgisinternal', [table]);

interface Issue {
  issue_id: string;
  title: string;
  severity: string;
  status: string;
  fingerprint: string | null;
  updated_at: Date;
}

async function addOwnership(pool: Pool, objectRef: string, ownerRole: string): Promise<void> {
  await pool.query(
    'insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by) values ($1, $2, ' +
      "$3, 'by-hand')",
    [objectRef, ownerRole, APR],
  );
}

describe('clone fixture and the psql seed script, on the real PostgreSQL', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  describe('baseline', () => {
    test('every baseline number of the clone: gate closed, nothing owned, nothing emitted', async () => {
      const { pool } = db;
      expect(await count(pool, 'select count(*) as n from os_proposal_approvals')).toBe(0);
      expect(await count(pool, 'select count(*) as n from governance_object_ownership')).toBe(0);
      expect(await triggersOn(pool, 'governance_object_ownership')).toBe(0);
      expect(await count(pool, 'select count(*) as n from v_governance_object_inventory')).toBe(240);
      expect(
        await count(pool, "select count(*) as n from v_governance_object_inventory where object_kind = 'domain'"),
      ).toBe(30);
      expect(
        await count(pool, "select count(*) as n from v_governance_object_inventory where object_kind = 'object'"),
      ).toBe(210);
      expect(await count(pool, 'select count(*) as n from v_object_owner_gap')).toBe(210);
      expect(await count(pool, 'select count(*) as n from v_object_owner_conflict')).toBe(0);
      expect(await count(pool, 'select count(*) as n from event_outbox')).toBe(0);
      expect(await count(pool, "select count(*) as n from event_type_registry where event_domain = 'governance'")).toBe(
        5,
      );
      expect(
        await count(pool, "select count(*) as n from event_type_registry where event_domain = 'governance' and active"),
      ).toBe(0);
      expect(await triggersOn(pool, 'system_issues')).toBe(9);
      expect(await triggersOn(pool, 'event_outbox')).toBe(1);
      for (const table of [
        'governance_ruleset',
        'candidate_state',
        'candidate_object',
        'candidate_scan_run',
        'source_snapshot',
      ]) {
        expect([table, await count(pool, `select count(*) as n from ${table}`)]).toEqual([table, 0]);
      }
      expect(await count(pool, 'select count(*) as n from scan_cursor')).toBe(1);
      expect(
        await count(
          pool,
          "select count(*) as n from scan_cursor where cursor_name = 'governance_scan' and snapshot_ref is null",
        ),
      ).toBe(1);
      // The workflow's own measurement agrees with the views read directly.
      expect(await numbers(pool, APR)).toEqual({ ...RATIFIED_BASELINE, ospa: 0 });
    });

    test('an approval row needs only proposal_code and approved_by: every other column defaults', async () => {
      const { rows } = await db.pool.query<{ approval_id: string; approved_at: Date }>(
        "insert into os_proposal_approvals (proposal_code, approved_by) values ('APR-BOOT-AUTHMODEL-1', 'x') " +
          'returning *',
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        proposal_code: APR,
        approved_by: 'x',
        approval_level: 'L4',
        signature_ref: null,
      });
      expect(rows[0]?.approval_id).toMatch(/^\d+$/);
      expect(rows[0]?.approved_at).toBeInstanceOf(Date);
      expect((await measure(db.pool, APR)).ospa).toBe(1);
    });
  });

  describe('Phase 1 seed by hand with psql', () => {
    test("ratified: the packet's deltas, a rerun refuses, the packet's rollback restores the baseline", async () => {
      const { pool } = db;
      await ratify(pool);
      expect(await numbers(pool, APR)).toEqual(RATIFIED_BASELINE);
      const ratified = await fingerprint(pool);

      const run = runSeedPsql(db.url);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(await numbers(pool, APR)).toEqual(SEEDED);
      expect(
        await count(
          pool,
          "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT' and " +
            'ratified_apr = $1',
          [APR],
        ),
      ).toBe(30);
      // Each domain is owned by its steward, nothing else is owned directly.
      expect(
        await count(
          pool,
          `select count(*) as n from governance_object_ownership w
             join governance_domain d on w.object_ref = 'domain:' || d.domain_code and w.owner_role = d.steward_role`,
        ),
      ).toBe(30);
      expect(await count(pool, 'select count(*) as n from event_outbox')).toBe(0);

      // Self-guarding: a second run finds own=30 gap=0 and writes nothing.
      const seeded = await fingerprint(pool);
      const rerun = runSeedPsql(db.url);
      expect(rerun.status).not.toBe(0);
      expect(rerun.stderr).toContain('guard refused: ospa=1 gap=0 own=30 conflict=0');
      expect(await fingerprint(pool)).toEqual(seeded);

      const rollback = await pool.query(ROLLBACK);
      expect(rollback.rowCount).toBe(30);
      expect(await numbers(pool, APR)).toEqual(RATIFIED_BASELINE);
      expect(await fingerprint(pool)).toEqual(ratified);
    });

    test('piped on stdin (`-f -`), as the packet channel runs it', async () => {
      await ratify(db.pool);
      const run = runSeedPsql(db.url, { stdin: true });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(await numbers(db.pool, APR)).toEqual(SEEDED);
      expect(
        await count(
          db.pool,
          "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
        ),
      ).toBe(30);
    });

    test('without -v ratified_apr: a usage message, an error, and no write', async () => {
      await ratify(db.pool);
      const before = await fingerprint(db.pool);
      const run = runSeedPsql(db.url, { apr: null });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toContain('usage: psql -v ratified_apr=<APR-CODE>');
      expect(run.stderr).toContain('missing -v ratified_apr=<APR-CODE>');
      expect(await fingerprint(db.pool)).toEqual(before);
    });

    test('a ratified_apr that is not an APR code is refused', async () => {
      await ratify(db.pool);
      const before = await fingerprint(db.pool);
      const run = runSeedPsql(db.url, { apr: "APR-BOOT-AUTHMODEL-1' or 'x'='x" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('guard refused');
      expect(run.stderr).toContain('is not an APR code');
      expect(await fingerprint(db.pool)).toEqual(before);
    });
  });

  test('no governance table carries a column of the rollout: its bookkeeping is in the ledger schema', async () => {
    expect(
      await count(
        db.pool,
        "select count(*) as n from information_schema.columns where table_schema = 'public' and column_name ~ " +
          "'rollout'",
      ),
    ).toBe(0);
    expect(
      await count(
        db.pool,
        "select count(*) as n from information_schema.tables where table_schema = 'governed_rollout'",
      ),
    ).toBe(6);
  });

  describe('the seed guard aborts with zero writes', () => {
    // Each drift moves exactly the numbers listed (checked with the workflow's measurement before
    // the run), so the refusal is pinned to that drift.
    const drifts: Array<[string, (pool: Pool) => Promise<void>, Partial<typeof RATIFIED_BASELINE>]> = [
      ['ospa=0: nobody ratified', () => Promise.resolve(), { ospa: 0 }],
      ['only a different APR is ratified', (pool) => ratify(pool, 'APR-OTHER-PROPOSAL-2'), { ospa: 0 }],
      [
        'own=1: an unrelated ownership row',
        async (pool) => {
          await ratify(pool);
          await addOwnership(pool, 'external:billing-ledger', 'finance_admin');
        },
        { own: 1 },
      ],
      [
        'gap=211: a new domain with one object',
        async (pool) => {
          await ratify(pool);
          await pool.query("insert into governance_domain values ('GD31', 'Governance domain 31', 'steward_gd31')");
          await pool.query("insert into governed_object values ('GD31-O1', 'GD31', 'table')");
        },
        { gap: 211 },
      ],
      [
        'gap=209: a governed object removed',
        async (pool) => {
          await ratify(pool);
          await pool.query("delete from governed_object where object_code = 'GD01-O7'");
        },
        { gap: 209 },
      ],
      [
        'conflict=1: two owners of one object (also own=2, gap=209)',
        async (pool) => {
          await ratify(pool);
          await addOwnership(pool, 'object:GD01-O1', 'steward_gd01');
          await addOwnership(pool, 'object:GD01-O1', 'dba');
        },
        { own: 2, gap: 209, conflict: 1, direct: 1, inherited: 0, coverage_pct: 0.42 },
      ],
    ];

    test.each(drifts)('%s', async (_name, drift, moved) => {
      const { pool } = db;
      await drift(pool);
      const m = await numbers(pool, APR);
      expect(m).toEqual({ ...RATIFIED_BASELINE, ...moved });
      const before = await fingerprint(pool);

      const run = runSeedPsql(db.url);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`guard refused: ospa=${m.ospa} gap=${m.gap} own=${m.own} conflict=${m.conflict}`);
      expect(await fingerprint(pool)).toEqual(before);
      expect(
        await count(
          pool,
          "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
        ),
      ).toBe(0);
    });

    // By hand the script pins the packet's numbers inside its transaction: an operator's PGOPTIONS
    // (or a role/database setting) cannot loosen the guard.
    test('PGOPTIONS cannot loosen the by-hand guard', async () => {
      const { pool } = db;
      await ratify(pool);
      await addOwnership(pool, 'external:x', 'alice');
      const before = await fingerprint(pool);
      const refused = runSeedPsql(db.url, { env: { ...process.env, PGOPTIONS: '-c f6.expect_own=1' } });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(
        'guard refused: ospa=1 gap=210 own=1 conflict=0 (needs ospa>=1 gap=210 own=0 conflict=0)',
      );
      expect(await fingerprint(pool)).toEqual(before);
    });

    // A conflict cannot come alone at the packet's numbers (it needs two ownership rows, so own>=2).
    // The workflow passes a scaled baseline to the same guard section, which isolates the conflict check.
    test(
      'conflict alone (expected own 2, through the seed ' + 'activity): refused; without the conflict it passes',
      async () => {
        const { pool } = db;
        await ratify(pool);
        await addOwnership(pool, 'external:x', 'alice');
        await addOwnership(pool, 'external:x', 'bob');
        expect(await numbers(pool, APR)).toEqual({ ...RATIFIED_BASELINE, own: 2, conflict: 1 });
        const before = await fingerprint(pool);
        const run = {
          pool,
          rolloutId: 'r/1',
          input: { target: 't', apr: APR, expected: Expected.parse({ gap: 210, own: 2, conflict: 0, seed_rows: 30 }) },
        };

        await expect(seed.apply(run)).rejects.toThrow(
          'guard refused: ospa=1 gap=210 own=2 conflict=1 (needs ospa>=1 gap=210 own=2 conflict=0)',
        );
        expect(await fingerprint(pool)).toEqual(before);

        // Control: move bob to another ref; own stays 2, the conflict goes, the guard lets the seed through.
        // (Its two rows own nothing of the inventory, so the packet's "own + 30 direct" does not hold: the
        // seed's own verification refuses it before COMMIT.)
        await pool.query("update governance_object_ownership set object_ref = 'external:y' where owner_role = 'bob'");
        expect(await numbers(pool, APR)).toEqual({ ...RATIFIED_BASELINE, own: 2 });
        await expect(seed.apply(run)).rejects.toThrow(
          /^verification failed before COMMIT, rolled back, nothing written: direct=30, expected 32$/,
        );
        expect(await numbers(pool, APR)).toEqual({ ...RATIFIED_BASELINE, own: 2 });
      },
    );
  });

  describe('triggers the packet says are not inert', () => {
    test('fn_event_type_validate rejects an inactive governance emit and accepts an active type', async () => {
      const { pool } = db;
      const rejected: unknown = await pool
        .query("insert into event_outbox (event_type) values ('governance.ownership.seeded')")
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(rejected).toMatchObject({ code: '23514' }); // check_violation
      expect(String(rejected)).toContain('event type governance.ownership.seeded is not active');
      expect(await count(pool, 'select count(*) as n from event_outbox')).toBe(0);

      const { rows } = await pool.query<{ event_id: string }>(
        "insert into event_outbox (event_type) values ('system.heartbeat') returning event_id",
      );
      expect(await count(pool, "select count(*) as n from event_outbox where event_type = 'system.heartbeat'")).toBe(1);

      // Re-typing an accepted row to an inactive type is an emit too.
      await expect(
        pool.query("update event_outbox set event_type = 'governance.scan.completed' where event_id = $1", [
          rows[0]?.event_id,
        ]),
      ).rejects.toThrow(/not active/);
      const govEmits = () =>
        count(
          pool,
          'select count(*) as n from event_outbox o join ' +
            'event_type_registry r using (event_type) where ' +
            'r.event_domain ' +
            "= 'governance'",
        );
      expect(await govEmits()).toBe(0);

      // Phase 3 activation is exactly the flip: once active, the same emit is accepted.
      await pool.query("update event_type_registry set active = true where event_type = 'governance.ownership.seeded'");
      await pool.query("insert into event_outbox (event_type) values ('governance.ownership.seeded')");
      expect(await govEmits()).toBe(1);
    });

    test(
      'system_issues: all nine triggers fire (normalise, validate, fingerprint, touch, no-reopen, audit, ' + 'notify)',
      async () => {
        const { pool } = db;
        const auditActions = async (issueId: string) =>
          (
            await pool.query<{ action: string }>(
              'select action from system_issue_audit where issue_id = $1 order by audit_id',
              [issueId],
            )
          ).rows.map((r) => r.action);
        const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

        const issues = (sql: string, params: unknown[] = []) => pool.query<Issue>(sql, params).then((r) => r.rows);

        // insert: normalised, validated, fingerprinted, audited and notified.
        const listener = await pool.connect();
        let issue: Issue | undefined;
        try {
          await listener.query('listen system_issues');
          const notified = new Promise<Notification>((resolve) => listener.once('notification', resolve));
          [issue] = await issues(
            "insert into system_issues (title, severity) values ('  Disk full  ', 'WARNING') returning *",
          );
          expect((await notified).payload).toBe(issue?.issue_id);
        } finally {
          await listener.query('unlisten *');
          listener.release();
        }
        if (!issue) throw new Error('insert returned no row');
        const issueId = issue.issue_id;
        expect(issue).toMatchObject({
          title: 'Disk full',
          severity: 'warning',
          status: 'open',
          fingerprint: md5('warning|Disk full'),
        });
        expect(await auditActions(issueId)).toEqual(['insert']);
        const before = await fingerprint(pool);

        await expect(pool.query("insert into system_issues (title, severity) values ('x', 'urgent')")).rejects.toThrow(
          /unknown severity urgent/,
        );
        await expect(pool.query("insert into system_issues (title, status) values ('x', 'resolved')")).rejects.toThrow(
          /unknown status resolved/,
        );
        expect(await fingerprint(pool)).toEqual(before);

        const [updated] = await issues(
          "update system_issues set title = ' Disk full on /var ', status = 'closed' where issue_id = $1 returning *",
          [issueId],
        );
        expect(updated).toMatchObject({
          title: 'Disk full on /var',
          status: 'closed',
          fingerprint: md5('warning|Disk full on /var'),
        });
        expect(updated?.updated_at.getTime()).toBeGreaterThan(issue.updated_at.getTime());
        expect(await auditActions(issueId)).toEqual(['insert', 'update']);

        const closed = await fingerprint(pool);
        await expect(
          pool.query("update system_issues set status = 'open' where issue_id = $1", [issueId]),
        ).rejects.toThrow(/is closed/);
        expect(await fingerprint(pool)).toEqual(closed);

        await pool.query('delete from system_issues where issue_id = $1', [issueId]);
        expect(await count(pool, 'select count(*) as n from system_issues')).toBe(0);
        expect(await auditActions(issueId)).toEqual(['insert', 'update', 'delete']);
      },
    );
  });
});
