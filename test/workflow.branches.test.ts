// Branches that are hard to reach with real faults, on the real dev server with stubbed activities.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, type Metrics } from '../src/shared';
import { fingerprint, ratify } from './support/db';
import { attempt, holdUntilCancelled } from './support/faults';
import { rolloutHarness, type Harness, NO_WRITES } from './support/harness';
import { finalProgress } from '../src/cli/execution';

const BASELINE: Metrics = { ospa: 1, own: 0, gap: 210, conflict: 0, gov_emit: 0, gov_types_active: 0, direct: 0, inherited: 0, coverage_pct: 0 };

describe('workflow branches (stubbed activities where a real fault is impractical)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.teardown();
    h = undefined;
  });

  test('invalid raw input ends FAILED with the reason, having written nothing', async () => {
    h = await rolloutHarness();
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
    h = await rolloutHarness({ wrap: (real) => ({ applySeed: async (i) => { await new Promise((r) => setTimeout(r, 500)); return real.applySeed(i); } }) });
    await ratify(h.db.pool);
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
    h = await rolloutHarness({
      wrap: (real) => ({
        readGate: async (i) => {
          reads += 1;
          if (reads <= 3) throw new Error('connection refused');
          return real.readGate(i);
        },
      }),
    });
    await ratify(h.db.pool);
    const handle = await h.start();
    const refused = await h.openGate(handle, 'ops', 'c1');
    expect(refused).toMatchObject({ outcome: 'refused', ospa: null });
    expect(refused.reason).toContain('could not read os_proposal_approvals');
    expect(await h.openGate(handle, 'ops', 'c2')).toMatchObject({ outcome: 'accepted', ospa: 1 });
    expect((await finalProgress(handle)).state).toBe('COMPLETED');
  });

  test('an openGate claim still being checked when the rollout is cancelled is answered, before the rollout ends', async () => {
    h = await rolloutHarness({ wrap: () => ({ readGate: () => holdUntilCancelled() }) });
    const handle = await h.start();
    const answer = h.openGate(handle, 'ops', 'p1');
    const deadline = Date.now() + 30_000;
    while (!(await handle.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'readGate')) {
      if (Date.now() > deadline) throw new Error('the gate was never read');
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.cancel();
    expect(await answer).toMatchObject({ id: 'p1', outcome: 'ignored', ospa: null, reason: 'the rollout is COMPENSATED: the gate is no longer waiting' });
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.gate.attempts.map((a) => [a.id, a.outcome])).toEqual([['p1', 'ignored']]);
  });

  test('a compensation that fails transiently is retried until it succeeds', async () => {
    const revertAttempts: number[] = [];
    h = await rolloutHarness({
      wrap: (real) => ({
        measure: async (i) => {
          const m = await real.measure(i);
          // Make the seed's verification fail after a real commit, so compensation must undo it.
          return m.own === 30 ? { ...m, coverage_pct: 99 } : m;
        },
        revertSeed: async (i) => {
          revertAttempts.push(attempt());
          if (attempt() < 3) throw new Error('transient: server closed the connection');
          return real.revertSeed(i);
        },
      }),
    });
    await ratify(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const final = await h.run();
    expect(revertAttempts).toEqual([1, 2, 3]);
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(/coverage_pct=99, expected 100/);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('a refused compensation ends FAILED and says what to do by hand', async () => {
    h = await rolloutHarness({
      wrap: () => ({
        measure: async () => BASELINE,
        applySeed: async () => ({ inserted: 30, alreadyPresent: false, sql: [], sqlSha256: 'x'.repeat(64), footprint: NO_WRITES }),
        revertSeed: async () => {
          throw ApplicationFailure.nonRetryable('rows were changed by hand: put them back by hand', ErrorType.CompensationRefused);
        },
      }),
    });
    await ratify(h.db.pool);
    const final = await h.run();
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(/seed verification failed: own=0, expected 30/);
    expect(final.reason).toMatch(/compensation could not verify: seed compensation refused: rows were changed by hand/);
    expect(final.steps[0]?.status).toBe('failed');
  });

  test('a governance event type switched on meanwhile fails the step (Phase 3 stays manual) and compensates', async () => {
    h = await rolloutHarness({
      wrap: (real) => ({
        measure: async (i) => {
          const m = await real.measure(i);
          return m.own === 30 ? { ...m, gov_types_active: 1 } : m;
        },
      }),
    });
    await ratify(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const final = await h.run();
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(/gov_types_active=1, expected 0/);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
