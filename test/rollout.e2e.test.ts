import { APR, count, fingerprint, ratify, takeSnapshot } from './support/db';
import { CLONE_SCAN_RULESET, isTerminal, useHarness } from './support/harness';
import { finalProgress } from '../src/cli/execution';
import { PACKET_SEEDED } from './support/packet';

describe('rollout workflow, end to end on the real Temporal dev server and PostgreSQL', () => {
  const harness = useHarness();

  test('happy path: the gate refuses while ospa=0, then seed, scan and cursor land the packet numbers', async () => {
    const h = await harness();
    const snapshotRef = await takeSnapshot(h.db.pool);
    const before = await fingerprint(h.db.pool);
    const handle = await h.start({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });

    const refused = await h.openGate(handle, 'eager operator', 'claim-1');
    expect(refused).toMatchObject({ id: 'claim-1', by: 'eager operator', ospa: 0, outcome: 'refused' });
    expect((await h.progress(handle)).state).toBe('WAITING_FOR_GATE');
    expect(await fingerprint(h.db.pool)).toEqual(before);

    await ratify(h.db.pool);
    expect(await h.openGate(handle, 'president', 'claim-2')).toMatchObject({
      id: 'claim-2',
      ospa: 1,
      outcome: 'accepted',
    });
    const done = await finalProgress(handle);

    expect(done.state).toBe('COMPLETED');
    expect(done.gate).toMatchObject({ accepted: true, openedBy: 'president' });
    expect(done.baseline).toMatchObject({ ospa: 1, own: 0, gap: 210, conflict: 0, gov_emit: 0 });
    expect(done.metrics).toMatchObject(PACKET_SEEDED);
    // The seed reads every number; the scan and the cursor, whose footprints prove they write none of the
    // ownership tables, read Phase 3's alone: no number is read twice.
    expect(done.steps[0]?.after).toMatchObject(PACKET_SEEDED);
    expect(done.steps[1]?.after).toEqual({ gov_emit: 0, gov_types_active: 0 });
    expect(done.steps[2]?.after).toEqual({ gov_emit: 0, gov_types_active: 0 });
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([
      ['seed', 'done'],
      ['scan', 'done'],
      ['cursor', 'done'],
    ]);
    expect(done.steps[1]?.detail).toMatchObject({
      candidate_state: 5,
      candidate_object: 35,
      statesInserted: 5,
      objectsInserted: 35,
    });
    for (const step of done.steps) expect(step.sqlSha256).toMatch(/^[0-9a-f]{64}$/);

    expect(
      await count(
        h.db.pool,
        "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT' and " +
          'ratified_apr = $1',
        [APR],
      ),
    ).toBe(30);
    expect(await count(h.db.pool, 'select count(*) as n from candidate_state')).toBe(5);
    expect(await count(h.db.pool, 'select count(*) as n from candidate_object')).toBe(35);
    expect(await count(h.db.pool, 'select count(*) as n from candidate_scan_run')).toBe(1);
    expect(await count(h.db.pool, 'select count(*) as n from scan_cursor where snapshot_ref = $1', [snapshotRef])).toBe(
      1,
    );
    expect(await count(h.db.pool, 'select count(*) as n from event_outbox')).toBe(0);
    expect(await count(h.db.pool, 'select count(*) as n from system_issues')).toBe(0);
    expect(
      await count(h.db.pool, 'select count(*) as n from event_type_registry where active and event_domain = $1', [
        'governance',
      ]),
    ).toBe(0);
    expect(isTerminal(await h.progress(handle))).toBe(true);
  });
});
