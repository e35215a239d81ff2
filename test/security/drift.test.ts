// Drift the existing guard tests do not cover: each refused by the seed guard, non-retryable,
// every table's fingerprint equal before and after the step.
import { APR, count, fingerprint } from '../support/db';
import { type ActivityWrapper, useHarness } from '../support/harness';
import { holdRolloutLock, waitForBlockedBackend } from '../faults/support/processWorker';
import { activityFailures } from './support';
import { finalProgress } from '../../src/cli/execution';

describe('drift between the gate and the seed is refused with a clear reason and zero writes', () => {
  const harness = useHarness();

  async function expectRefusedOnce(handle: Parameters<typeof activityFailures>[0], reason: RegExp): Promise<void> {
    const failures = await activityFailures(handle);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ type: 'GuardRefused', nonRetryable: true });
    expect(failures[0]?.message).toMatch(reason);
  }

  test('ospa=0 at seed time: the approval is withdrawn by people after the gate was accepted', async () => {
    const h = await harness({ ratified: true });
    // The seed queues behind the rollout lock, so the withdrawal lands between gate and seed.
    const lock = await holdRolloutLock(h.db.url);
    try {
      const handle = await h.startOpened();
      await waitForBlockedBackend(h.db.url, 'advisory');
      expect((await h.progress(handle)).gate.accepted).toBe(true);
      await h.db.pool.query('delete from os_proposal_approvals where proposal_code = $1', [APR]);
      const before = await fingerprint(h.db.pool);
      await lock.release();
      const final = await finalProgress(handle);
      expect(final.state).toBe('FAILED');
      expect(final.reason).toMatch(/F6 seed guard refused: ospa=0 gap=210 own=0 conflict=0 \(needs ospa>=1/);
      expect(final.reason).toContain('nothing needed undoing');
      await expectRefusedOnce(handle, /ospa=0/);
      expect(await fingerprint(h.db.pool)).toEqual(before);
    } finally {
      await lock.close();
    }
  });

  test('gap not as expected at the gate: the preflight refuses before the seed runs, naming the view', async () => {
    const h = await harness({ ratified: true });
    await h.db.pool.query(
      "insert into governed_object (object_code, domain_code, object_type) values ('GD01-O8', 'GD01', 'table')",
    );
    const before = await fingerprint(h.db.pool);
    const final = await h.run();
    expect(final.state).toBe('FAILED');
    expect(final.reason).toBe('preflight refused, nothing written: gap: expected 210, actual 211 (v_object_owner_gap)');
    expect(final.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  // The seed's own guard is the second line: drift that lands after the preflight read, here a preflight
  // that let it through, is refused there.
  const passPreflight: ActivityWrapper = (real) => ({
    preflight: async (i) => ({ ...(await real.preflight(i)), verdict: 'GO', refusals: [] }),
  });

  test('gap not as expected: a governed object appeared, past the preflight', async () => {
    const h = await harness({ wrap: passPreflight, ratified: true });
    await h.db.pool.query(
      "insert into governed_object (object_code, domain_code, object_type) values ('GD01-O8', 'GD01', 'table')",
    );
    const before = await fingerprint(h.db.pool);
    const handle = await h.startOpened();
    const final = await finalProgress(handle);
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      /F6 seed guard refused: ospa=1 gap=211 own=0 conflict=0 \(needs ospa>=1 gap=210 own=0 conflict=0\)/,
    );
    await expectRefusedOnce(handle, /gap=211/);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('a conflict: two direct owners of one object, even when own and gap are what the rollout was told', async () => {
    const h = await harness({ wrap: passPreflight, ratified: true });
    await h.db.pool.query(
      `insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by)
       values ('object:GD01-O1', 'alice', 'APR-OTHER-1', 'hand'), ('object:GD01-O1', 'bob', 'APR-OTHER-1', 'hand')`,
    );
    const before = await fingerprint(h.db.pool);
    const handle = await h.startOpened({ expected: { own: 2, gap: 209 } });
    const final = await finalProgress(handle);
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      /F6 seed guard refused: ospa=1 gap=209 own=2 conflict=1 \(needs ospa>=1 gap=209 own=2 conflict=0\)/,
    );
    await expectRefusedOnce(handle, /conflict=1/);
    expect(
      await count(
        h.db.pool,
        "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
      ),
    ).toBe(0);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
