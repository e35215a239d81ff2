// Targets that differ from our fixture the way production may: `rollout plan` names every gap before the
// gate (exit 2), and a real rollout refuses after the gate with zero writes. Then production's own seed
// script, written differently from ours, run through --seed-sql.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RolloutInputDraft } from '../src/shared';
import { envFor, lastLine, REPO, rollout } from './support/cli';
import { APR, count, fingerprint, takeSnapshot } from './support/db';
import { holdUntilCancelled, onApply } from './support/faults';
import { CLONE_SCAN_RULESET, useHarness } from './support/harness';
import { finalProgress } from '../src/cli/execution';
import { PACKET_SEEDED } from './support/packet';

const RULESET = path.join(REPO, 'examples', 'ruleset.clone.json');
const PRODUCTION_SEED = path.join(REPO, 'test', 'fixtures', 'production_seed.sql');

interface Variant {
  name: string;
  /** What the target's owner changed, against our fixture. */
  change: string;
  scan: boolean;
  /** The NO-GO line `rollout plan` prints, and the reason the rollout ends with. */
  names: RegExp;
}

const VARIANTS: Variant[] = [
  {
    name: 'a missing column',
    change: 'alter table governance_object_ownership drop column ratified_apr',
    scan: false,
    names: /governance_object_ownership\.ratified_apr: column is missing/,
  },
  {
    name: 'an extra NOT NULL column without default',
    change: 'alter table governance_object_ownership add column reviewed_by text not null',
    scan: false,
    names: /governance_object_ownership\.reviewed_by: is NOT NULL without a default, and the rollout does not fill it/,
  },
  {
    name: 'a missing table',
    change: 'drop table source_snapshot cascade',
    scan: true,
    names: /source_snapshot: relation is missing/,
  },
  {
    name: 'a missing cursor row',
    change: 'delete from scan_cursor',
    scan: true,
    names: new RegExp(
      /cursor: expected scan_cursor row governance_scan exists, actual scan_cursor has no row gove/.source +
        /rnance_scan|scan_cursor row governance_scan exists; actual scan_cursor has no row governanc/.source +
        /e_scan/.source,
    ),
  },
  {
    name: 'a missing natural key',
    change: 'alter table candidate_state drop constraint candidate_state_ruleset_id_domain_code_key',
    scan: true,
    names: /candidate_state \(ruleset_id, domain_code\): has no unique key on exactly these columns/,
  },
  {
    name: 'a missing ledger',
    change: 'drop schema governed_rollout cascade',
    scan: false,
    names: /schema governed_rollout: the ledger is not installed; run `rollout db install`/,
  },
];

describe('a target that differs from the contract: named before the gate, nothing written after it', () => {
  const harness = useHarness();

  test.each(VARIANTS)('$name', async ({ change, scan, names }) => {
    const h = await harness({ ratified: true });
    // A snapshot ref of the right shape; on a target without source_snapshot none can be taken.
    const snapshotRef = change.includes('source_snapshot')
      ? 'SNAP-20261128T000000Z-00000000'
      : await takeSnapshot(h.db.pool);
    await h.db.pool.query(change);
    const before = await fingerprint(h.db.pool);

    const scanArgs = scan ? ['--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef] : [];
    const plan = await rollout(['plan', '--apr', APR, ...scanArgs], envFor(h.db));
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(lastLine(plan.stdout)).toBe('NO-GO');
    expect(plan.stdout).toMatch(names);

    const input: Partial<RolloutInputDraft> = scan ? { scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } } : {};
    const final = await h.run(input);
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(/^preflight refused, nothing written: /);
    expect(final.reason).toMatch(names);
    expect(final.reason).not.toMatch(/compensation/);
    expect(final.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test(
    '`rollout db install` on a target without the ledger: then the plan says GO; running it again changes ' + 'nothing',
    async () => {
      const h = await harness({ worker: false });
      await h.db.pool.query('drop schema governed_rollout cascade');
      const env = envFor(h.db);
      const first = await rollout(['db', 'install'], env);
      expect(first.stderr).toBe('');
      expect(first.stdout).toContain('ledger installed: schema governed_rollout, version 1');
      const before = await fingerprint(h.db.pool);
      expect((await rollout(['db', 'install'], env)).code).toBe(0);
      expect(await fingerprint(h.db.pool)).toEqual(before);
      await h.ratify();
      const plan = await rollout(['plan', '--apr', APR], env);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(
        /GO {5}\d+ relations, their columns, keys, triggers and privileges, the functions and the ledger hold/,
      );
    },
  );
});

describe("production's own seed script, through --seed-sql", () => {
  const harness = useHarness();

  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  test(
    "runs unmodified by psql with the packet's numbers " + 'and its sha256 reported; the hand rollback undoes ' + 'it',
    async () => {
      const h = await harness({ ratified: true });
      const snapshotRef = await takeSnapshot(h.db.pool);
      const before = await fingerprint(h.db.pool);
      const digest = sha256(PRODUCTION_SEED);

      const plan = await rollout(['plan', '--apr', APR, '--seed-sql', PRODUCTION_SEED], envFor(h.db));
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain(`seed script: ${PRODUCTION_SEED}  sha256 ${digest}`);

      const final = await h.run({
        seedScript: { path: PRODUCTION_SEED, sha256: digest },
        scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef },
      });
      expect(final.state).toBe('COMPLETED');
      expect(final.metrics).toMatchObject(PACKET_SEEDED);
      expect(final.steps[0]?.detail).toMatchObject({ inserted: 30, alreadyPresent: false, seedScriptSha256: digest });
      expect(final.steps[0]?.sql).toContainEqual({ name: PRODUCTION_SEED, sha256: digest });
      expect(final.steps[1]?.detail).toMatchObject({ candidate_state: 5, candidate_object: 35 });
      expect(
        await count(
          h.db.pool,
          "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
        ),
      ).toBe(30);

      // Undone by hand with the runbook's script, from the ledger: every table back as before.
      const psql = spawnSync(
        'psql',
        [
          h.db.url,
          '-X',
          '-v',
          `rollout_id=${final.rolloutId}`,
          '-f',
          path.join(REPO, 'sql', 'ledger', 'rollback_by_hand.sql'),
        ],
        { encoding: 'utf8' },
      );
      expect(psql.status).toBe(0);
      expect(await fingerprint(h.db.pool)).toEqual(before);
    },
  );

  test('a cancel after its seed committed: the compensation deletes exactly the rows the script wrote', async () => {
    // The seed's activity is held once the script committed, so the cancel lands after it.
    let committed = false;
    const h = await harness({
      wrap: onApply('seed', async (real) => (await real(), (committed = true), holdUntilCancelled())),
      ratified: true,
    });
    const before = await fingerprint(h.db.pool);
    const handle = await h.startOpened({ seedScript: { path: PRODUCTION_SEED, sha256: sha256(PRODUCTION_SEED) } });
    await h.waitFor(handle, () => committed);
    await handle.cancel();
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    expect(final.steps[0]?.compensation).toMatchObject({ deleted: 30 });
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('with gap 211 it writes nothing', async () => {
    const h = await harness({ ratified: true });
    await h.db.pool.query(
      "insert into governed_object (object_code, domain_code, object_type) values ('GD01-O8', 'GD01', 'table')",
    );
    const before = await fingerprint(h.db.pool);
    const final = await h.run({
      seedScript: { path: PRODUCTION_SEED, sha256: sha256(PRODUCTION_SEED) },
      expected: { gap: 211 },
    });
    // The preflight holds (we told it 211); the operator's script holds the packet's 210 and refuses itself.
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      /seed script .*production_seed\.sql stopped with an error \(.*division by zero.*\), nothing written/,
    );
    expect(final.reason).toContain('nothing needed undoing');
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });

  test('a script that also files a system issue: seed rows compensated, FAILED naming what stays', async () => {
    const h = await harness({ ratified: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seed-sql-'));
    const file = path.join(dir, 'commit_ready_f6_ownership_seed.sql');
    // Production's script as a careless hand might extend it: one more write, inside its own transaction.
    writeFileSync(
      file,
      readFileSync(PRODUCTION_SEED, 'utf8').replace(
        /^COMMIT;$/m,
        "INSERT INTO system_issues (title) VALUES ('F6 seeded');\nCOMMIT;",
      ),
    );
    const issues = await count(h.db.pool, 'select count(*) as n from system_issues');
    const final = await h.run({ seedScript: { path: file, sha256: sha256(file) } });
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      /committed writes outside the seed's footprint \(rows carrying its transaction's id\)/,
    );
    expect(final.reason).toContain("public.system_issues: 1 row(s) inserted, outside the step's footprint");
    expect(final.reason).toContain("public.system_issue_audit: 1 row(s) inserted, outside the step's footprint");
    expect(final.reason).toMatch(
      /the 30 seed row\(s\) the ledger records are compensated, the rest must be undone by hand; 30 row\(s\) undone$/,
    );
    expect(final.steps[0]).toMatchObject({ status: 'compensated', compensation: { deleted: 30 } });
    expect(await count(h.db.pool, 'select count(*) as n from governance_object_ownership')).toBe(0);
    expect(await count(h.db.pool, 'select count(*) as n from system_issues')).toBe(issues + 1);
  });

  test('a script that changes between start and run is refused, nothing written', async () => {
    const h = await harness({ ratified: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seed-sql-'));
    const file = path.join(dir, 'commit_ready_f6_ownership_seed.sql');
    writeFileSync(file, readFileSync(PRODUCTION_SEED));
    const digest = sha256(file);
    writeFileSync(file, `${readFileSync(PRODUCTION_SEED, 'utf8')}\n-- edited after start\n`);
    const before = await fingerprint(h.db.pool);
    const final = await h.run({ seedScript: { path: file, sha256: digest } });
    expect(final.state).toBe('FAILED');
    expect(final.reason).toMatch(
      new RegExp(
        `seed script ${file} changed since the rollout started \\(sha256 [0-9a-f]{64}, started with ${digest}\\)`,
      ),
    );
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
