// The worker runs as a login granted rollout_operator (sql/roles/rollout_operator.sql): the whole
// rollout and its compensation work, and PostgreSQL itself refuses what the packet forbids.
import path from 'node:path';
import { DatabaseError } from 'pg';
import { fingerprint, takeSnapshot } from '../support/db';
import { holdUntilCancelled, onApply } from '../support/faults';
import { CLONE_SCAN_RULESET, useHarness } from '../support/harness';
import { asAdmin, useOperatorLogin } from '../support/roles';
import { envFor, REPO, rollout } from '../support/cli';
import { finalProgress } from '../../src/cli/execution';
import { PACKET_SEEDED, PACKET_STEP_DETAILS } from '../support/packet';

describe('least privilege: the worker as rollout_operator', () => {
  const harness = useHarness();
  const operator = useOperatorLogin();

  test("the whole rollout with the scan completes with the packet's numbers", async () => {
    const h = await harness({ worker: false });
    const login = await operator(h.db.name);
    await h.startWorker(undefined, login.pool);
    await h.ratify();
    const snapshotRef = await takeSnapshot(h.db.pool);
    const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    expect(final.state).toBe('COMPLETED');
    expect(final.metrics).toMatchObject(PACKET_SEEDED);
    expect(final.steps.map((s) => s.detail)).toMatchObject(PACKET_STEP_DETAILS);
    // The grants are the contract's (rendered from it): the rollout needed nothing the contract does not name,
    // and the plan, checking the role's privileges against the contract, agrees.
    const plan = await rollout(
      ['plan', '--apr', 'APR-BOOT-AUTHMODEL-1', '--worker-role', 'rollout_operator'],
      envFor(h.db),
    );
    expect(plan.stdout).toMatch(
      /contract \(docs\/CONTRACT\.md\), checked against the live catalog for role rollout_operator:\n {2}GO/,
    );
  });

  test('the plan names a privilege the role lacks', async () => {
    const h = await harness({ worker: false });
    await operator(h.db.name); // the role and its grants
    await asAdmin(h.db.name, 'revoke delete on candidate_object from rollout_operator');
    const plan = await rollout(
      [
        'plan',
        '--apr',
        'APR-BOOT-AUTHMODEL-1',
        '--worker-role',
        'rollout_operator',
        '--scan',
        '--ruleset',
        path.join(REPO, 'examples', 'ruleset.clone.json'),
        '--snapshot-ref',
        await takeSnapshot(h.db.pool),
      ],
      envFor(h.db),
    );
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      'NO-GO  public.candidate_object: role rollout_operator may not DELETE from it; the compensation deletes the ' +
        'rows it wrote: grant DELETE',
    );
  });

  test('a cancel after the cursor advanced is compensated by the same role, every table as before', async () => {
    const h = await harness({ worker: false });
    const login = await operator(h.db.name);
    // The cursor step's activity is held once it committed, so the cancel lands after all three wrote.
    let committed = false;
    await h.startWorker(
      onApply('cursor', async (real) => (await real(), (committed = true), holdUntilCancelled())),
      login.pool,
    );
    await h.ratify();
    const snapshotRef = await takeSnapshot(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const handle = await h.startOpened({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    await h.waitFor(handle, () => committed);
    await handle.cancel();
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.steps.map((s) => s.status)).toEqual(['compensated', 'compensated', 'compensated']);
    expect(final.reason).toContain('73 row(s) undone');
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('PostgreSQL denies every forbidden write to the role (SQLSTATE 42501), and nothing changes', async () => {
    const h = await harness({ worker: false });
    const login = await operator(h.db.name);
    await h.ratify();
    const before = await fingerprint(h.db.pool);
    const forbidden = [
      "insert into os_proposal_approvals (proposal_code, approved_by) values ('APR-BOOT-AUTHMODEL-1', 'robot')",
      "update os_proposal_approvals set approved_by = 'robot'",
      'delete from os_proposal_approvals',
      "update event_type_registry set active = true where event_domain = 'governance'",
      "insert into event_type_registry (event_type, event_domain) values ('x.y', 'governance')",
      "insert into event_outbox (event_type) values ('system.heartbeat')",
      'delete from event_outbox',
      "insert into system_issues (title) values ('rollout')",
      "update system_issues set status = 'closed'",
      "update governance_domain set steward_role = 'robot'",
      "insert into governed_object (object_code, domain_code, object_type) values ('X', 'GD01', 'table')",
      'insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ' +
        "('SNAP-20250101T000000Z-00000000', 'x', 0)",
      "update governance_object_ownership set owner_role = 'robot'",
      "update governance_ruleset set definition = '{}'",
      "update scan_cursor set cursor_name = 'renamed'",
      'delete from scan_cursor',
      'truncate governance_object_ownership',
      'create table rollout_scratch (id int)',
      // Column-level: only the columns the contract says the seed fills.
      'insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by, created_at) ' +
        "values ('x', 'y', 'APR-X-1', 'z', now())",
      'select * from governed_object',
      // The ledger is appended to and marked reverted, never edited or deleted.
      'delete from governed_rollout.written',
      "update governed_rollout.written set keys = '{}'",
      "update governed_rollout.step_done set result = '{}'",
      'delete from governed_rollout.ledger_version',
      'create table governed_rollout.scratch (id int)',
    ];
    for (const sql of forbidden) {
      const err: unknown = await login.pool.query(sql).then(
        () => null,
        (e: unknown) => e,
      );
      if (!(err instanceof DatabaseError) || err.code !== '42501') {
        throw new Error(`expected permission denied (42501) for: ${sql}; got ${String(err)}`);
      }
      expect(err.message).toMatch(/permission denied/);
    }
    expect(await fingerprint(h.db.pool)).toEqual(before);
    // And the reads the gate needs are allowed.
    expect((await login.pool.query('select count(*)::int as n from os_proposal_approvals')).rows[0]).toEqual({ n: 1 });
  });
});
