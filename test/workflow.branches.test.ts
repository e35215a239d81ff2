// Branches that are hard to reach with real faults, on the real dev server with stubbed activities.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../src/shared';
import { fingerprint } from './support/db';
import { attempt, holdUntilCancelled, onApply, onRevert, wrapAll } from './support/faults';
import { useHarness } from './support/harness';
import { finalProgress } from '../src/cli/execution';

describe('workflow branches (stubbed activities where a real fault is impractical)', () => {
  const harness = useHarness();

  test('invalid raw input ends FAILED with the reason, having written nothing', async () => {
    const h = await harness();
    const before = await fingerprint(h.db.pool);
    const handle = await h.client.workflow.start('rolloutWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: `bad-input-${h.target}`,
      args: [{ target: h.target, apr: "APR-1'; drop table governance_object_ownership; --" }],
    });
    const final = (await finalProgress(handle)) as { state: string; reason: string };
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(/^invalid input, nothing written: apr: an APR code looks like/);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('malformed claims and claims after acceptance are recorded as ignored, never as openings', async () => {
    const h = await harness({
      wrap: onApply('seed', async (real) => {
        await new Promise((r) => setTimeout(r, 500));
        return real();
      }),
      ratified: true,
    });
    const handle = await h.start();
    await handle.signal('gateOpened', { id: '', by: 'nobody' });
    await handle.signal('gateOpened', { id: 'c1', by: 'president' });
    await h.waitFor(handle, (p) => p.state === 'RUNNING');
    await handle.signal('gateOpened', { id: 'c2', by: 'late' });
    const final = await finalProgress(handle);
    expect(final.gate.attempts.map((a) => [a.id, a.outcome])).toEqual([
      ['', 'ignored'],
      ['c1', 'accepted'],
      ['c2', 'ignored'],
    ]);
    expect(final.gate.attempts[0]?.reason).toMatch(/^malformed claim/);
    expect(final.gate.openedBy).toBe('president');
  });

  test('an unreadable gate refuses the claim and keeps waiting', async () => {
    let reads = 0;
    const h = await harness({
      wrap: (real) => ({
        readGate: async (i) => {
          reads += 1;
          if (reads <= 3) throw new Error('connection refused');
          return real.readGate(i);
        },
      }),
    });
    await h.ratify();
    const handle = await h.start();
    const refused = await h.openGate(handle, 'ops', 'c1');
    expect(refused).toMatchObject({ outcome: 'refused', ospa: null });
    expect(refused.reason).toContain('could not read os_proposal_approvals');
    expect(await h.openGate(handle, 'ops', 'c2')).toMatchObject({ outcome: 'accepted', ospa: 1 });
    expect((await finalProgress(handle)).state).toBe('COMPLETED');
  });

  test('an openGate claim being checked when the rollout is cancelled is answered before it ends', async () => {
    const h = await harness({ wrap: () => ({ readGate: () => holdUntilCancelled() }) });
    const handle = await h.start();
    const answer = h.openGate(handle, 'ops', 'p1');
    const deadline = Date.now() + 30_000;
    while (!(await handle.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'readGate')) {
      if (Date.now() > deadline) throw new Error('the gate was never read');
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.cancel();
    expect(await answer).toMatchObject({
      id: 'p1',
      outcome: 'ignored',
      ospa: null,
      reason: 'the rollout is COMPENSATED: the gate is no longer waiting',
    });
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.gate.attempts.map((a) => [a.id, a.outcome])).toEqual([['p1', 'ignored']]);
  });

  test('a compensation that fails transiently is retried until it succeeds', async () => {
    const revertAttempts: number[] = [];
    const h = await harness({
      wrap: wrapAll(
        // The seed commits for real, then its activity fails: compensation must undo what it wrote.
        onApply('seed', async (real) => {
          await real();
          throw ApplicationFailure.nonRetryable(
            'seed lost after it committed (injected)',
            ErrorType.VerificationFailed,
          );
        }),
        onRevert('seed', async (real) => {
          revertAttempts.push(attempt());
          if (attempt() < 3) throw new Error('transient: server closed the connection');
          return real();
        }),
      ),
    });
    await h.ratify();
    const before = await fingerprint(h.db.pool);
    const final = await h.run();
    expect(revertAttempts).toEqual([1, 2, 3]);
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(/^seed lost after it committed \(injected\); 30 row\(s\) undone, baseline verified$/);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('a refused compensation ends FAILED and says what to do by hand', async () => {
    const h = await harness({
      wrap: wrapAll(
        onApply('seed', async () => {
          throw ApplicationFailure.nonRetryable(
            'seed verification failed after it committed: own=0, expected 30',
            ErrorType.VerificationFailed,
          );
        }),
        onRevert('seed', async () => {
          throw ApplicationFailure.nonRetryable(
            'rows were changed by hand: put them back by hand',
            ErrorType.CompensationRefused,
          );
        }),
      ),
    });
    await h.ratify();
    const final = await h.run();
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(/seed verification failed after it committed: own=0, expected 30/);
    expect(final.reason).toMatch(/compensation could not verify: seed compensation refused: rows were changed by hand/);
    expect(final.steps[0]?.status).toBe('failed');
  });

  test('a governance event type switched on after the preflight: refused before COMMIT, nothing written', async () => {
    const flip = (active: boolean) =>
      h?.db.pool.query("update event_type_registry set active = $1 where event_domain = 'governance'", [active]);
    const h = await harness({ wrap: onApply('seed', async (real) => (await flip(true), real())), ratified: true });
    const before = await fingerprint(h.db.pool);
    const final = await h.run();
    await flip(false);
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      new RegExp(
        /^verification failed before COMMIT, rolled back, nothing written: gov_types_active=\d+, exp/.source +
          /ected 0; nothing was written/.source,
      ),
    );
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test("the scan verifies Phase 3's numbers before its COMMIT too: switched on, the seed is undone", async () => {
    const flip = (active: boolean) =>
      h?.db.pool.query("update event_type_registry set active = $1 where event_domain = 'governance'", [active]);
    const h = await harness({ wrap: onApply('scan', async (real) => (await flip(true), real())), ratified: true });
    const scan = await h.scanInput();
    const before = await fingerprint(h.db.pool);
    const final = await h.run(scan);
    await flip(false);
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(
      /^verification failed before COMMIT, rolled back, nothing written: gov_types_active=\d+, expected 0; 30 row/,
    );
    expect(final.steps.map((s) => [s.name, s.status])).toEqual([
      ['seed', 'compensated'],
      ['scan', 'compensated'],
      ['cursor', 'skipped'],
    ]);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
