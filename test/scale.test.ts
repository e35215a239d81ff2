// A scaled fixture: `rollout db init --scale N` builds N domains of 7 objects and computes the
// numbers its guards must see; a rollout given those numbers completes, one given the clone's refuses.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startInput } from '../src/cli/options';
import { initFixture } from '../src/fixture/init';
import { Expected, Ruleset, gateOpenedSignal } from '../src/shared';
import { rollout } from './support/cli';
import { APR, count, fingerprint, ratify, takeSnapshot } from './support/db';
import { temporalAddress, useHarness } from './support/harness';
import { unique } from './support/names';
import { finalProgress } from '../src/cli/execution';

const DOMAINS = 3;

describe('a scaled fixture, on the real PostgreSQL and Temporal dev server', () => {
  const harness = useHarness();

  test(
    `db init --scale ${DOMAINS}: gap 7N, own 0; a rollout with the computed numbers ends own N, gap 0, ` +
      `coverage 100, 1 + 7 candidates`,
    async () => {
      const h = await harness();
      const { pool } = h.db;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-scale-'));
      const rulesetFile = path.join(dir, 'ruleset.json');
      const expectedFile = path.join(dir, 'expected.json');
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: h.db.url,
        TEMPORAL_ADDRESS: temporalAddress(),
      };
      const init = await rollout(
        [
          'db',
          'init',
          '--reset',
          '--scale',
          String(DOMAINS),
          '--write-ruleset',
          rulesetFile,
          '--write-expected',
          expectedFile,
        ],
        env,
      );
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('own=0 gap=21 conflict=0 gov_emit=0');
      expect(await count(pool, 'select count(*) as n from governance_domain')).toBe(DOMAINS);
      expect(await count(pool, 'select count(*) as n from v_object_owner_gap')).toBe(7 * DOMAINS);
      expect(await count(pool, 'select count(*) as n from governance_object_ownership')).toBe(0);

      // 5 of 30 domains on the clone, at least one: one domain here.
      const expected = Expected.parse(JSON.parse(readFileSync(expectedFile, 'utf8')));
      expect(expected).toEqual({
        ospa_min: 1,
        gap: 21,
        own: 0,
        conflict: 0,
        seed_rows: 3,
        gov_emit: 0,
        candidate_state: 1,
        candidate_object: 7,
      });
      expect(Ruleset.parse(JSON.parse(readFileSync(rulesetFile, 'utf8'))).domains).toEqual(['GD01']);

      await ratify(pool);
      const snapshotRef = await takeSnapshot(pool);
      // The same parsing `rollout start --expected FILE` does.
      const input = startInput(
        { apr: APR, scan: true, ruleset: rulesetFile, snapshotRef, expected: expectedFile },
        h.target,
      );
      expect(input.expected).toEqual(expected);
      const handle = await h.start(input);
      await handle.signal(gateOpenedSignal, { id: unique('claim'), by: 'president' });
      const result = await finalProgress(handle);

      expect(result.state).toBe('COMPLETED');
      expect(result.baseline).toMatchObject({ own: 0, gap: 21, conflict: 0, coverage_pct: 0 });
      expect(result.metrics).toMatchObject({
        own: 3,
        gap: 0,
        conflict: 0,
        gov_emit: 0,
        direct: 3,
        inherited: 21,
        coverage_pct: 100,
      });
      expect(await count(pool, 'select count(*) as n from candidate_state')).toBe(1);
      expect(await count(pool, 'select count(*) as n from candidate_object')).toBe(7);
      expect(await count(pool, 'select count(*) as n from candidate_scan_run')).toBe(1);
    },
  );

  test(
    "the clone's numbers do not hold on a scaled " + 'fixture: the preflight refuses and nothing is ' + 'written',
    async () => {
      const h = await harness();
      const { pool } = h.db;
      await initFixture(pool, { reset: true, domains: DOMAINS });
      await ratify(pool);
      const before = await fingerprint(pool);
      const result = await h.run();
      expect(result.state).toBe('FAILED');
      expect(result.reason).toBe(
        'preflight refused, nothing written: gap: expected 210, actual 21 (v_object_owner_gap)',
      );
      expect(await fingerprint(pool)).toEqual(before);
    },
  );
});
