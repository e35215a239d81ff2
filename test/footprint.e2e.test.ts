// Live production: the rollout proves what its own transactions wrote, never that whole tables stood
// still. Other processes write event_outbox, system_issues and approvals throughout and the rollout
// completes; a trigger's write, or rows the worker's role cannot see, roll the step back before COMMIT.
import type { Pool } from '../src/db/pool';
import type { RolloutProgress, StepName } from '../src/shared';
import { APR, count, fingerprint, takeSnapshot } from './support/db';
import { onApply, wrapAll } from './support/faults';
import { CLONE_SCAN_RULESET, useHarness } from './support/harness';
import { asAdmin, useOperatorLogin } from './support/roles';
import { PACKET_SEEDED, PACKET_STEP_DETAILS } from './support/packet';

/** Ordinary traffic of a live governance database, on its own sessions, every 200 ms until stopped. */
function liveTraffic(pool: Pool): { stop(): Promise<{ events: number; issues: number }> } {
  let events = 0;
  let issues = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      await pool.query("insert into event_outbox (event_type, payload) values ('system.heartbeat', '{}')");
      events += 1;
      await pool.query('insert into system_issues (title) values ($1)', [`disk pressure ${issues}`]);
      issues += 1;
      // The dispatcher stamps what it sent.
      await pool.query('update event_outbox set dispatched_at = now() where dispatched_at is null');
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { events, issues };
    },
  };
}

const SEALED = ['event_outbox', 'system_issues', 'system_issue_audit', 'os_proposal_approvals', 'event_type_registry'];

/** What every step's (and compensation's) proof measured in the tables the packet seals: nothing. */
function sealedWrites(p: RolloutProgress): string[] {
  return p.steps
    .flatMap((s) => [...(s.footprint?.measured ?? []), ...(s.compensationFootprint?.measured ?? [])])
    .filter((w) => SEALED.some((t) => w.relation === t || w.relation.endsWith(`.${t}`)))
    .map((w) => w.relation);
}

/**
 * Every table's deleted-row counter, once PostgreSQL has flushed the worker's counters (inserts attempted show first).
 * */
async function deletesAfterFlush(
  pool: Pool,
  attempted: { table: string; atLeast: number },
): Promise<Record<string, number>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await pool.query('select pg_stat_clear_snapshot()');
    const { rows } = await pool.query<{ relname: string; ins: string; del: string }>(
      "select relname, n_tup_ins as ins, n_tup_del as del from pg_stat_user_tables where schemaname = 'public'",
    );
    const seen = Number(rows.find((r) => r.relname === attempted.table)?.ins ?? 0);
    if (seen >= attempted.atLeast || Date.now() > deadline)
      return Object.fromEntries(rows.map((r) => [r.relname, Number(r.del)]));
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function tupleCounters(pool: Pool, column: 'n_tup_ins' | 'n_tup_del'): Promise<Record<string, number>> {
  await pool.query('select pg_stat_clear_snapshot()');
  const { rows } = await pool.query<{ relname: string; n: string }>(
    `select relname, ${column} as n from pg_stat_user_tables where schemaname = 'public'`,
  );
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.n)]));
}

/** A trigger that files a system_issues row (and, through its triggers, an audit row) per row written. */
function fileIssueTrigger(table: string, on: 'insert' | 'update'): string {
  return `
    create or replace function test_file_issue() returns trigger language plpgsql as $$
    begin
      insert into system_issues (title) values ('filed by ' || tg_table_name);
      return new;
    end $$;
    create trigger test_file_issue after ${on} on ${table} for each row execute function test_file_issue();`;
}

describe('footprint: the rollout proves its own writes on a live database', () => {
  const harness = useHarness();
  const operator = useOperatorLogin();

  test('live traffic throughout (events, issues, a dispatcher, approvals): COMPLETED, none of it its own', async () => {
    // An approval for another proposal lands mid-rollout, and one more of this APR: people keep working.
    const h = await harness({
      wrap: wrapAll(
        onApply('scan', async (real) => {
          await h?.db.pool.query(
            "insert into os_proposal_approvals (proposal_code, approved_by) values ('APR-OTHER-7', 'l2 quorum')",
          );
          return real();
        }),
        onApply('cursor', async (real) => {
          await h?.db.pool.query('insert into os_proposal_approvals (proposal_code, approved_by) values ($1, $2)', [
            APR,
            'l2 member',
          ]);
          return real();
        }),
      ),
    });
    await h.ratify();
    const snapshotRef = await takeSnapshot(h.db.pool);
    const base = {
      events: await count(h.db.pool, 'select count(*) as n from event_outbox'),
      issues: await count(h.db.pool, 'select count(*) as n from system_issues'),
    };
    const traffic = liveTraffic(h.db.pool);
    let final: RolloutProgress;
    let made: { events: number; issues: number };
    try {
      await new Promise((r) => setTimeout(r, 500));
      final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    } finally {
      made = await traffic.stop();
    }
    expect(final.state).toBe('COMPLETED');
    expect(final.metrics).toMatchObject(PACKET_SEEDED);
    expect(final.steps.map((s) => s.detail)).toMatchObject(PACKET_STEP_DETAILS);
    expect(made.events).toBeGreaterThan(2);
    // The tables grew by exactly what the traffic wrote: the rollout's own rows there are 0, and its proofs say so.
    expect(await count(h.db.pool, 'select count(*) as n from event_outbox')).toBe(base.events + made.events);
    expect(await count(h.db.pool, 'select count(*) as n from system_issues')).toBe(base.issues + made.issues);
    expect(await count(h.db.pool, 'select count(*) as n from os_proposal_approvals')).toBe(3);
    expect(sealedWrites(final)).toEqual([]);
    expect(final.steps[0]?.footprint?.measured).toEqual([
      { relation: 'governance_object_ownership', insert: 30, update: 0, delete: 0 },
      { relation: 'governed_rollout.step_done', insert: 1, update: 0, delete: 0 },
      { relation: 'governed_rollout.written', insert: 1, update: 0, delete: 0 },
    ]);
  });

  const triggers: { table: string; on: 'insert' | 'update'; step: StepName; issues: number }[] = [
    { table: 'governance_object_ownership', on: 'insert', step: 'seed', issues: 30 },
    { table: 'governance_ruleset', on: 'insert', step: 'scan', issues: 1 },
    { table: 'candidate_state', on: 'insert', step: 'scan', issues: 5 },
    { table: 'candidate_object', on: 'insert', step: 'scan', issues: 35 },
    { table: 'candidate_scan_run', on: 'insert', step: 'scan', issues: 1 },
    { table: 'scan_cursor', on: 'update', step: 'cursor', issues: 1 },
  ];

  test.each(triggers)(
    'a trigger on $table filing system_issues: the $step step never commits, the reason names it',
    async ({ table, on, step, issues }) => {
      // The trigger appears after the preflight, right before the step: what the footprint alone must catch.
      const h = await harness({
        wrap: onApply(step, async (real) => {
          await asAdmin(h?.db.name ?? '', fileIssueTrigger(table, on));
          return real();
        }),
      });
      await h.ratify();
      const snapshotRef = await takeSnapshot(h.db.pool);
      const before = await fingerprint(h.db.pool);
      const inserted = await tupleCounters(h.db.pool, 'n_tup_ins');
      const deleted = await tupleCounters(h.db.pool, 'n_tup_del');
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });

      expect(final.reason).toContain(`public.system_issues: ${issues} row(s) inserted, outside the step's footprint`);
      expect(final.reason).toContain(
        `public.system_issue_audit: ${issues} row(s) inserted, outside the step's footprint`,
      );
      const failed = final.steps.find((s) => s.name === step);
      expect(failed?.status).toBe('compensated');
      expect(failed?.sqlSha256).toBeNull();
      // The earlier steps committed and were compensated; this one never committed a row.
      expect(final.state).toBe(step === 'seed' ? 'FAILED' : 'COMPENSATED');
      expect(await fingerprint(h.db.pool)).toEqual(before);
      // PostgreSQL's counters: the trigger's inserts were attempted (and rolled back), none was ever deleted.
      const after = await deletesAfterFlush(h.db.pool, {
        table: 'system_issues',
        atLeast: (inserted.system_issues ?? 0) + issues,
      });
      expect(after.system_issues).toBe(deleted.system_issues);
      expect(after.system_issue_audit).toBe(deleted.system_issue_audit);
      expect(after[table]).toBe(deleted[table]);
      if (step === 'seed') expect(after).toEqual(deleted);
    },
  );

  test('RLS hides the seed rows from the worker: rolled back, naming the table and the ledger', async () => {
    const h = await harness({ worker: false });
    const login = await operator(h.db.name);
    const db = h.db.name;
    await h.startWorker(
      onApply('seed', async (real) => {
        // The worker's role may insert ownership rows but sees only rows whose owner_role it is.
        await asAdmin(
          db,
          `
          alter table governance_object_ownership enable row level security;
          create policy seed_insert on governance_object_ownership for insert to rollout_operator with check (true);
          create policy own_rows on governance_object_ownership for select to rollout_operator
            using (owner_role = current_user);`,
        );
        return real();
      }),
      login.pool,
    );
    await h.ratify();
    const before = await fingerprint(h.db.pool);
    const inserted = await tupleCounters(h.db.pool, 'n_tup_ins');
    const deleted = await tupleCounters(h.db.pool, 'n_tup_del');
    const final = await h.run();
    expect(final.state).toBe('FAILED');
    expect(final.reason).toContain('governance_object_ownership: 30 row(s) inserted, the ledger records 0');
    expect(final.reason).toContain('nothing was written, nothing needed undoing');
    expect(await count(h.db.pool, 'select count(*) as n from governance_object_ownership')).toBe(0);
    expect(await fingerprint(h.db.pool)).toEqual(before);
    expect(
      await deletesAfterFlush(h.db.pool, {
        table: 'governance_object_ownership',
        atLeast: (inserted.governance_object_ownership ?? 0) + 30,
      }),
    ).toEqual(deleted);
  });
});
