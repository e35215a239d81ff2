// Gate integrity and duplicates: signals only claim; os_proposal_approvals decides, once per batch.
import { count, fingerprint, takeSnapshot } from '../support/db';
import { holdUntilCancelled, onApply } from '../support/faults';
import { useHarness } from '../support/harness';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { finalProgress } from '../../src/cli/execution';
import { openGateUpdate } from '../../src/shared';

describe('the gate cannot be opened by signals, and duplicates are harmless', () => {
  const harness = useHarness();

  test('claims without an approval row never open the gate; every attempt says who and what ospa was', async () => {
    const h = await harness();
    const before = await fingerprint(h.db.pool);
    const handle = await h.start();
    const claimants = ['eager operator', 'ops on call', 'robot', "x'; delete from os_proposal_approvals; --"];
    for (const by of claimants) await handle.signal('gateOpened', { id: `claim-${by.length}`, by });
    // Malformed claims (wrong types, missing fields, extra fields) are recorded and ignored.
    await handle.signal('gateOpened', { id: 'm1' } as never);
    await handle.signal('gateOpened', { id: 7, by: ['x'] } as never);
    await handle.signal('gateOpened', { id: 'm3', by: 'me', force: true } as never);
    const waiting = await h.waitFor(handle, (p) => p.gate.attempts.length === claimants.length + 3);
    expect(waiting.state).toBe('WAITING_FOR_GATE');
    expect(waiting.gate.accepted).toBe(false);
    const refused = waiting.gate.attempts.filter((a) => a.outcome === 'refused');
    expect(refused.map((a) => a.by).sort()).toEqual([...claimants].sort());
    expect(
      refused.every(
        (a) => a.ospa === 0 && /ospa=0 for APR-BOOT-AUTHMODEL-1, needs >= 1: only people open the gate/.test(a.reason),
      ),
    ).toBe(true);
    const malformed = waiting.gate.attempts.filter((a) => a.outcome === 'ignored');
    expect(malformed).toHaveLength(3);
    expect(malformed.every((a) => a.reason.startsWith('malformed claim: '))).toBe(true);
    expect(await fingerprint(h.db.pool)).toEqual(before);
    await handle.cancel();
    expect((await finalProgress(handle)).state).toBe('COMPENSATED');
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('openGate answers each claim; its validator rejects malformed and late ones, nothing in history', async () => {
    const h = await harness({
      wrap: onApply('seed', async (real) => {
        await new Promise((r) => setTimeout(r, 1000));
        return real();
      }),
    });
    const handle = await h.start();
    expect(await h.openGate(handle, 'eager operator', 'u1')).toMatchObject({ id: 'u1', outcome: 'refused', ospa: 0 });
    for (const malformed of [{ id: 'm1' }, { id: 7, by: ['x'] }, { id: 'm3', by: 'me', force: true }]) {
      const rejected = await handle
        .executeUpdate(openGateUpdate, { args: [malformed as never] })
        .catch((err: unknown) => err);
      expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((rejected as WorkflowUpdateFailedError).cause?.message).toMatch(/^malformed claim: /);
    }
    await h.ratify();
    expect(await h.openGate(handle, 'president', 'u2')).toMatchObject({ id: 'u2', outcome: 'accepted', ospa: 1 });
    await h.waitFor(handle, (p) => p.state === 'RUNNING');
    await expect(h.openGate(handle, 'late', 'u3')).rejects.toMatchObject({
      cause: { message: 'the rollout is RUNNING: the gate is no longer waiting' },
    });
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPLETED');
    expect(final.gate.attempts.map((a) => [a.id, a.outcome])).toEqual([
      ['u1', 'refused'],
      ['u2', 'accepted'],
    ]);
    // Rejected updates are not written to history: only the two answered claims were accepted there.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(2);
    expect(events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(2);
  });

  test('a flood of claims (and the same claim id twice) costs one read per batch and opens the gate once', async () => {
    let reads = 0;
    const h = await harness({
      wrap: (real) => ({
        readGate: async (input) => {
          reads += 1;
          return real.readGate(input);
        },
      }),
    });
    await h.ratify();
    const handle = await h.start();
    const flood = Array.from({ length: 200 }, (_, i) => ({ id: i % 2 === 0 ? 'dup' : `c-${i}`, by: `caller-${i}` }));
    await Promise.all(flood.map((claim) => handle.signal('gateOpened', claim)));
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPLETED');
    expect(final.gate.accepted).toBe(true);
    const outcomes = final.gate.attempts.map((a) => a.outcome);
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(final.gate.attempts).toHaveLength(200);
    expect(final.gate.openedBy).toBe(final.gate.attempts.find((a) => a.outcome === 'accepted')?.by);
    // One read per batch of claims that arrived together, far fewer than one per claim.
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThan(20);
    expect(
      await count(
        h.db.pool,
        "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
      ),
    ).toBe(30);
    expect(await count(h.db.pool, 'select count(*) as n from os_proposal_approvals')).toBe(1);
  });

  test('duplicate cancels are harmless: compensated once, every table as before', async () => {
    const h = await harness({ wrap: onApply('scan', () => holdUntilCancelled()), ratified: true });
    const snapshotRef = await takeSnapshot(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const handle = await h.startOpened({
      scan: { ruleset: { code: 'RS-X', version: 1, domains: ['GD01'] }, snapshotRef },
    });
    await h.waitFor(handle, (p) => p.steps[0]?.status === 'done');
    await Promise.all([handle.cancel(), handle.cancel(), handle.cancel()]);
    await handle.cancel();
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toBe('cancelled by request: 30 row(s) undone, baseline verified');
    expect(final.steps[0]?.compensation).toMatchObject({ deleted: 30 });
    // A signal after the end is refused by Temporal, never replayed into a new run.
    await expect(handle.signal('gateOpened', { id: 'late', by: 'late' })).rejects.toThrow();
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
