// Gate integrity and duplicates: signals only claim; os_proposal_approvals decides, once per batch.
import { count, fingerprint, ratify, takeSnapshot } from '../support/db';
import { holdUntilCancelled } from '../support/faults';
import { rolloutHarness, type Harness } from '../support/harness';

describe('the gate cannot be opened by signals, and duplicates are harmless', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.teardown();
    h = undefined;
  });

  test('claims without an approval row never open the gate; every attempt says who and what ospa was', async () => {
    h = await rolloutHarness();
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
    expect(refused.every((a) => a.ospa === 0 && /ospa=0 for APR-BOOT-AUTHMODEL-1, needs >= 1: only people open the gate/.test(a.reason))).toBe(true);
    const malformed = waiting.gate.attempts.filter((a) => a.outcome === 'ignored');
    expect(malformed).toHaveLength(3);
    expect(malformed.every((a) => a.reason.startsWith('malformed claim: '))).toBe(true);
    expect(await fingerprint(h.db.pool)).toEqual(before);
    await handle.cancel();
    expect((await handle.result()).state).toBe('COMPENSATED');
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('a flood of claims (and the same claim id twice) costs one read per batch and opens the gate once', async () => {
    let reads = 0;
    h = await rolloutHarness({
      wrap: (real) => ({
        readGate: async (input) => {
          reads += 1;
          return real.readGate(input);
        },
      }),
    });
    await ratify(h.db.pool);
    const handle = await h.start();
    const flood = Array.from({ length: 200 }, (_, i) => ({ id: i % 2 === 0 ? 'dup' : `c-${i}`, by: `caller-${i}` }));
    await Promise.all(flood.map((claim) => handle.signal('gateOpened', claim)));
    const final = await handle.result();
    expect(final.state).toBe('COMPLETED');
    expect(final.gate.accepted).toBe(true);
    const outcomes = final.gate.attempts.map((a) => a.outcome);
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(final.gate.attempts).toHaveLength(200);
    expect(final.gate.openedBy).toBe(final.gate.attempts.find((a) => a.outcome === 'accepted')?.by);
    // One read per batch of claims that arrived together, far fewer than one per claim.
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThan(20);
    expect(await count(h.db.pool, "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'")).toBe(30);
    expect(await count(h.db.pool, 'select count(*) as n from os_proposal_approvals')).toBe(1);
  });

  test('duplicate cancels are harmless: compensated once, every table as before', async () => {
    h = await rolloutHarness({ wrap: () => ({ applyScan: () => holdUntilCancelled() }) });
    await ratify(h.db.pool);
    const snapshotRef = await takeSnapshot(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const handle = await h.start({ scan: { ruleset: { code: 'RS-X', version: 1, domains: ['GD01'] }, snapshotRef } });
    await handle.signal('gateOpened', { id: 'c1', by: 'president' });
    await h.waitFor(handle, (p) => p.steps[0]?.status === 'done');
    await Promise.all([handle.cancel(), handle.cancel(), handle.cancel()]);
    await handle.cancel();
    const final = await handle.result();
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toBe('cancelled by request: 30 row(s) undone, baseline verified');
    expect(final.steps[0]?.compensation).toMatchObject({ deleted: 30 });
    // A signal after the end is refused by Temporal, never replayed into a new run.
    await expect(handle.signal('gateOpened', { id: 'late', by: 'late' })).rejects.toThrow();
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
