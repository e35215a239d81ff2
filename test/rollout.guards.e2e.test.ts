import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { RolloutInput, WORKFLOW_TYPE, type RolloutProgress } from '../src/shared';
import { APR, count, fingerprint, takeSnapshot } from './support/db';
import { attempt, onApply, wrapAll } from './support/faults';
import { CLONE_SCAN_RULESET, type ActivityWrapper, type Harness, useHarness } from './support/harness';
import { unique } from './support/names';
import { finalProgress } from '../src/cli/execution';
import { PACKET_SEEDED } from './support/packet';

const candidateRows = `select md5(coalesce(string_agg(x, ',' order by x), '')) as n from (
  select 's' || xmin::text || ctid::text as x from candidate_state
  union all select 'o' || xmin::text || ctid::text from candidate_object) t`;

describe('guards, idempotency and retries, end to end', () => {
  const harness = useHarness();

  // The preflight is the first line; the seed's own guard, past a preflight that let the drift through, the second.
  const letThrough: ActivityWrapper = (real) => ({
    preflight: async (i) => ({ ...(await real.preflight(i)), verdict: 'GO', refusals: [] }),
  });
  test.each([
    {
      line: 'the preflight, before the first write',
      wrap: undefined,
      reason: new RegExp(
        /^preflight refused, nothing written: gap: expected 210, actual 203 \(v_object_owner_gap\); /.source +
          /own: expected 0, actual 1 \(governance_object_ownership\)$/.source,
      ),
    },
    {
      line: 'the seed guard itself, past a preflight that let it through',
      wrap: letThrough,
      reason: /F6 seed guard refused: ospa=1 gap=203 own=1.*nothing needed undoing/,
    },
  ])('drift (own is not 0) is refused by $line with zero writes: FAILED, nothing to undo', async ({ wrap, reason }) => {
    const h = await harness(wrap ? { wrap } : {});
    await h.ratify();
    await h.db.pool.query(
      'insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by) values ' +
        "('domain:GD07', 'someone', 'APR-OTHER-1', 'hand')",
    );
    const before = await fingerprint(h.db.pool);
    const final = await h.run();
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(reason);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test(
    'a stale snapshot ref is refused by the ' + 'preflight: the seed never commits, every table ' + 'is as before',
    async () => {
      const h = await harness({ ratified: true });
      const snapshotRef = await takeSnapshot(h.db.pool);
      await h.db.pool.query("update governed_object set object_type = 'report' where object_code = 'GD01-O1'");
      const before = await fingerprint(h.db.pool);
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
      expect(final.state).toBe('FAILED');
      expect(final.reason).toMatch(/^preflight refused, nothing written: snapshot: .*snapshot ref .* is stale/);
      expect(final.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(await fingerprint(h.db.pool)).toEqual(before);
    },
  );

  test('a snapshot that goes stale after the preflight is refused by the scan; the seed is compensated', async () => {
    const h = await harness({
      wrap: onApply('seed', async (real) => {
        const result = await real();
        await h?.db.pool.query("update governed_object set object_type = 'report' where object_code = 'GD01-O1'");
        return result;
      }),
    });
    await h.ratify();
    const snapshotRef = await takeSnapshot(h.db.pool);
    const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(/snapshot ref .* is stale/);
    expect(final.steps.map((s) => s.status)).toEqual(['compensated', 'compensated', 'skipped']);
    expect(await count(h.db.pool, 'select count(*) as n from governance_object_ownership')).toBe(0);
    expect(await count(h.db.pool, 'select count(*) as n from candidate_state')).toBe(0);
  });

  test('an unknown snapshot ref is refused the same way', async () => {
    const h = await harness({ ratified: true });
    const before = await fingerprint(h.db.pool);
    const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef: 'SNAP-20200101T000000Z-deadbeef' } });
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      /^preflight refused, nothing written: snapshot: .*snapshot ref SNAP-20200101T000000Z-deadbeef is unknown/,
    );
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('a cursor moved by someone else during the scan is refused; ours is undone and theirs stays', async () => {
    let otherRef = '';
    const h = await harness({
      wrap: onApply('scan', async (real) => {
        const result = await real();
        await h?.db.pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [
          otherRef,
        ]);
        return result;
      }),
    });
    await h.ratify();
    const snapshotRef = await takeSnapshot(h.db.pool);
    await h.db.pool.query(
      'insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ' +
        "('SNAP-20250101T000000Z-0badcafe', 'x', 0)",
    );
    otherRef = 'SNAP-20250101T000000Z-0badcafe';
    const before = await fingerprint(h.db.pool);
    const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
    expect(final.state).toBe('COMPENSATED');
    expect(final.reason).toMatch(
      /scan_cursor governance_scan moved meanwhile: expected null, found SNAP-20250101T000000Z-0badcafe/,
    );
    const after = await fingerprint(h.db.pool);
    expect({ ...after, scan_cursor: '' }).toEqual({ ...before, scan_cursor: '' });
    expect(await count(h.db.pool, 'select count(*) as n from scan_cursor where snapshot_ref = $1', [otherRef])).toBe(1);
  });

  test('a seed retried after its commit recognises its own rows: applied once, not aborted as drift', async () => {
    const attempts: number[] = [];
    const h = await harness({
      wrap: onApply('seed', async (real) => {
        const result = await real();
        attempts.push(attempt());
        if (attempt() === 1) throw new Error('worker lost after the commit, before reporting');
        return result;
      }),
    });
    await h.ratify();
    const handle = await h.startOpened();
    const final = await finalProgress(handle);
    expect(attempts).toEqual([1, 2]);
    expect(final.state).toBe('COMPLETED');
    // The retry reads its own ledger entry: the step reports the 30 rows it wrote, written once.
    expect(final.steps[0]?.detail).toMatchObject({ inserted: 30, alreadyPresent: false });
    expect(
      await count(h.db.pool, 'select count(*) as n from governed_rollout.written where rollout_id = $1', [
        final.rolloutId,
      ]),
    ).toBe(1);
    expect(final.metrics).toMatchObject(PACKET_SEEDED);
    expect(
      await count(
        h.db.pool,
        "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
      ),
    ).toBe(30);
  });

  test(
    'a scan and a cursor advance retried after their ' + 'commit read their own ledger entries: applied ' + 'once',
    async () => {
      const attempts: Record<string, number[]> = { scan: [], cursor: [] };
      const lostOnce = (name: 'scan' | 'cursor') =>
        onApply(name, async (real) => {
          const result = await real();
          attempts[name]?.push(attempt());
          if (attempt() === 1) throw new Error(`worker lost after the ${name} committed, before reporting`);
          return result;
        });
      const h = await harness({ wrap: wrapAll(lostOnce('scan'), lostOnce('cursor')), ratified: true });
      const snapshotRef = await takeSnapshot(h.db.pool);
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
      expect(attempts).toEqual({ scan: [1, 2], cursor: [1, 2] });
      expect(final.state).toBe('COMPLETED');
      // The retries report what the first attempts wrote, not zero: their own ledger entries, nobody else's.
      expect(final.steps[1]?.detail).toMatchObject({
        candidate_state: 5,
        candidate_object: 35,
        statesInserted: 5,
        objectsInserted: 35,
        alreadyApplied: true,
      });
      expect(final.steps[2]?.detail).toMatchObject({ changed: true, to: snapshotRef });
      expect(await count(h.db.pool, 'select count(*) as n from candidate_scan_run')).toBe(1);
      expect(await count(h.db.pool, 'select count(*) as n from candidate_object')).toBe(35);
      expect(
        await count(h.db.pool, 'select count(*) as n from scan_cursor where snapshot_ref = $1', [snapshotRef]),
      ).toBe(1);
    },
  );

  /** A rollout with a scan, run to COMPLETED on a fresh harness; `again` runs an identical one to its end. */
  async function scannedOnce(): Promise<{ pool: Harness['db']['pool']; again: () => Promise<RolloutProgress> }> {
    const h = await harness({ ratified: true });
    const { scan } = await h.scanInput();
    const run = async (claim: string) => {
      const handle = await h.start({ scan });
      await handle.signal('gateOpened', { id: claim, by: 'president' });
      return finalProgress(handle);
    };
    expect((await run('c1')).state).toBe('COMPLETED');
    return { pool: h.db.pool, again: () => run('c2') };
  }

  test('an identical re-run changes no candidate row and appends exactly one candidate_scan_run row', async () => {
    const { pool, again } = await scannedOnce();
    const candidatesBefore = await pool.query(candidateRows);

    const final = await again();
    expect(final.state).toBe('COMPLETED');
    // The first rollout's rows are there and stay its own: the second writes and claims none of them.
    expect(final.steps[0]?.detail).toMatchObject({ inserted: 0, alreadyPresent: true });
    expect(
      await count(pool, "select count(*) as n from governed_rollout.written where rollout_id = $1 and step = 'seed'", [
        final.rolloutId,
      ]),
    ).toBe(0);
    expect(final.steps[1]?.detail).toMatchObject({
      candidate_state: 5,
      candidate_object: 35,
      statesInserted: 0,
      objectsInserted: 0,
      rulesetCreated: false,
    });
    expect(final.steps[2]?.detail).toMatchObject({ changed: false });
    // Same xmin and ctid for every candidate row: no insert, no update, not even a no-op one.
    expect((await pool.query(candidateRows)).rows).toEqual(candidatesBefore.rows);
    expect(await count(pool, 'select count(*) as n from candidate_scan_run')).toBe(2);
  });

  test(
    'a re-run over candidates partly gone inserts exactly ' + 'what is missing, and its ledger records exactly that',
    async () => {
      // The write-half inserts plainly under states its own transaction created and arbitrates the natural key
      // under older ones: here both at once, a state gone with its objects and two objects gone under another.
      const { pool, again } = await scannedOnce();
      const ids = async (table: 'candidate_state' | 'candidate_object') =>
        (await pool.query<{ id: string }>(`select ${table}_id::text as id from ${table} order by 1`)).rows.map(
          (r) => r.id,
        );
      const [gone, thinned] = await ids('candidate_state');
      await pool.query('delete from candidate_object where candidate_state_id = $1', [gone]);
      await pool.query('delete from candidate_state where candidate_state_id = $1', [gone]);
      await pool.query(
        `delete from candidate_object where candidate_object_id in
         (select candidate_object_id from candidate_object where candidate_state_id = $1 order by object_ref limit 2)`,
        [thinned],
      );
      const [keptStates, keptObjects] = [await ids('candidate_state'), await ids('candidate_object')];
      const untouched = await pool.query(candidateRows);

      const final = await again();
      expect(final.state).toBe('COMPLETED');
      expect(final.steps[1]?.detail).toMatchObject({
        candidate_state: 5,
        candidate_object: 35,
        statesInserted: 1,
        objectsInserted: 9,
      });
      // Its ledger names exactly the rows that were not there: the state again, its 7 objects and the 2 others.
      const { rows } = await pool.query<{ relation: string; keys: string[] }>(
        'select relation, keys from governed_rollout.written where rollout_id = $1 and relation in ' +
          "('candidate_state', 'candidate_object') order by relation",
        [final.rolloutId],
      );
      const added = (now: string[], kept: string[]) => now.filter((id) => !kept.includes(id));
      expect(rows.map((r) => [r.relation, [...r.keys].sort()])).toEqual([
        ['candidate_object', added(await ids('candidate_object'), keptObjects).sort()],
        ['candidate_state', added(await ids('candidate_state'), keptStates).sort()],
      ]);
      expect(rows.map((r) => r.keys.length)).toEqual([9, 1]);
      // What was kept was not written again: the same xmin and ctid, once the new rows are set aside.
      const keptNow = await pool.query(
        candidateRows
          .replace('from candidate_state', 'from candidate_state where candidate_state_id::text = any($1)')
          .replace('from candidate_object)', 'from candidate_object where candidate_object_id::text = any($2))'),
        [keptStates, keptObjects],
      );
      expect(keptNow.rows).toEqual(untouched.rows);
    },
  );

  test('a second start for the same target is refused while one runs', async () => {
    const h = await harness();
    const workflowId = unique('rollout-same-target');
    await h.start({}, workflowId);
    const args = [RolloutInput.parse({ target: h.target, apr: APR })];
    await expect(
      h.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: h.taskQueue,
        workflowId,
        args,
        workflowIdConflictPolicy: 'FAIL',
      }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  test('a gate timeout ends EXPIRED having written nothing; refused claims are recorded', async () => {
    const h = await harness();
    const before = await fingerprint(h.db.pool);
    const handle = await h.start({ gateTimeoutMs: 3_000 });
    for (let i = 0; i < 20; i += 1) await handle.signal('gateOpened', { id: `flood-${i}`, by: 'flood' });
    const final = await finalProgress(handle);
    expect(final.state).toBe('EXPIRED');
    expect(final.gate.accepted).toBe(false);
    expect(final.gate.attempts).toHaveLength(20);
    expect(final.gate.attempts.every((a) => a.outcome === 'refused' && a.ospa === 0)).toBe(true);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
