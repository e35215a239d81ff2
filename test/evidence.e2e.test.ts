// Evidence that outlives Temporal: written to the target's ledger when a rollout ends, readable by
// `rollout report` from a Temporal that never saw the rollout, verifiable offline; and a production
// target that requires its clone rehearsal.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalDevServer, type DevServer } from '../src/infra/temporalDevServer';
import type { Evidence } from '../src/evidence/packet';
import type { Packet } from '../src/report/packet';
import { LEDGER_SOURCE } from '../src/cli/evidence';
import { envFor, lastLine, REPO, rollout } from './support/cli';
import { APR, count, fingerprint, ratify, takeSnapshot } from './support/db';
import { CLONE_SCAN_RULESET, rolloutHarness, type Harness } from './support/harness';
import { PACKET_SEEDED } from './support/packet';

const PRODUCTION_SEED = path.join(REPO, 'test', 'fixtures', 'production_seed.sql');

describe('evidence that lasts and proves itself', () => {
  const harnesses: Harness[] = [];
  let fresh: DevServer | undefined;
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.teardown();
    await fresh?.stop();
    fresh = undefined;
  });

  test(
    "a completed rollout's evidence is read from the " + 'database by a Temporal server that has no history ' + 'of it',
    async () => {
      const h = await rolloutHarness();
      harnesses.push(h);
      await ratify(h.db.pool);
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef: await takeSnapshot(h.db.pool) } });
      expect(final.state).toBe('COMPLETED');
      const stored = final.evidence as { digest: string; previousDigest: string | null; where: string };
      expect(stored.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(stored).toMatchObject({ previousDigest: null, where: 'governed_rollout.evidence' });

      fresh = await startTemporalDevServer();
      const env = envFor(h.db, { TEMPORAL_ADDRESS: fresh.address });
      const report = await rollout(['report', final.workflowId, '--format', 'json'], env);
      expect(report.stderr).toBe('');
      expect(report.code).toBe(0);
      const printed = JSON.parse(report.stdout) as { source: string; evidence: Evidence };
      expect(printed.source).toMatch(/the target's ledger \(governed_rollout\.evidence\)/);
      expect(printed.evidence.digest).toBe(stored.digest);
      expect(printed.evidence.body.rollout).toMatchObject({
        state: 'COMPLETED',
        workflowId: final.workflowId,
        rolloutId: final.rolloutId,
      });
      expect(printed.evidence.body.metrics).toMatchObject(PACKET_SEEDED);
      expect(printed.evidence.body.gate.approvals).toEqual([
        expect.objectContaining({ proposal_code: APR, approved_by: 'president@l4', approval_level: 'L4' }),
      ]);
      // The same report as from Temporal (one model, one rendering), made from what the packet sealed.
      const md = await rollout(['report', final.workflowId], env);
      expect(md.stdout).toContain("> From the target's ledger (governed_rollout.evidence)");
      expect(md.stdout).toMatch(/\| State \| \*\*COMPLETED\*\* \|/);
      expect(md.stdout).toContain('| own | 0 → 30 | 0 → 30 | ✔ |');
      expect(md.stdout).toMatch(/\| governance_object_ownership \| 30 \/ 0 \/ 0 \| 30 \/ 0 \/ 0 \|/);
      expect(md.stdout).toContain(`| cursor | governance_scan, advanced to ${final.steps[1]?.detail.snapshotRef}`);
      expect((printed as unknown as { packet: Packet }).packet).toMatchObject({
        source: LEDGER_SOURCE,
        rollout: { state: 'COMPLETED' },
      });
      // The page for the people who never open a terminal, from the ledger too.
      const page = await rollout(['report', final.workflowId, '--format', 'html'], env);
      expect([page.code, page.stderr]).toEqual([0, '']);
      expect(page.stdout).toMatch(/^<!doctype html>/i);
      expect(page.stdout).toContain(stored.digest);
      expect(page.stdout).toMatch(/From the target(?:'|&#39;|&#x27;)s ledger \(governed_rollout\.evidence\)/);

      // As written it verifies, offline and against the stored copy; one number changed is named.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
      const file = path.join(dir, 'evidence.json');
      const packet = JSON.parse(
        ok(await rollout(['report', final.workflowId, '--format', 'evidence'], env)),
      ) as Evidence;
      writeFileSync(file, JSON.stringify(packet, null, 2));
      const good = await rollout(['report', 'verify', file], env);
      expect(good.code).toBe(0);
      expect(good.stdout).toContain(`intact: digest ${packet.digest}`);
      expect(good.stdout).toContain("equal to the copy stored in the target's ledger");
      (packet.body.metrics as { gap: number }).gap = 1;
      writeFileSync(file, JSON.stringify(packet, null, 2));
      const bad = await rollout(['report', 'verify', file], envFor(null));
      expect(bad.code).toBe(8);
      expect(lastLine(bad.stdout)).toBe('TAMPERED: /body/metrics/gap differs from the sealed value');
      // Chained: the next packet on this target names this one's digest.
      expect(await count(h.db.pool, 'select count(*) as n from governed_rollout.evidence')).toBe(1);
    },
  );

  function ok(r: { code: number | null; stdout: string; stderr: string }): string {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  }

  describe('a production target that requires its clone rehearsal', () => {
    async function rehearse(seedScript?: { path: string; sha256: string }): Promise<Evidence> {
      const clone = await rolloutHarness();
      harnesses.push(clone);
      await ratify(clone.db.pool);
      const final = await clone.run(seedScript ? { seedScript } : {});
      const { rows } = await clone.db.pool.query<{ packet: Evidence }>(
        'select packet from governed_rollout.evidence where rollout_id = $1',
        [final.rolloutId],
      );
      const packet = rows[0]?.packet;
      if (!packet) throw new Error('no rehearsal evidence');
      return packet;
    }

    async function production(): Promise<Harness> {
      const prod = await rolloutHarness();
      harnesses.push(prod);
      await ratify(prod.db.pool);
      const set = await rollout(['db', 'require-rehearsal', '--max-age-days', '7'], envFor(prod.db));
      expect(set.stdout).toContain('now require a completed clone rehearsal, at most 7 days old');
      return prod;
    }

    test('refused without one, with other SQL, with one not completed; completes with a matching one', async () => {
      const prod = await production();
      const before = await fingerprint(prod.db.pool);

      const none = await prod.run();
      expect(none.state).toBe('FAILED');
      expect(none.reason).toMatch(
        /^preflight refused, nothing written: rehearsal: expected the evidence of a completed clone rehearsal/,
      );

      const sha = createHash('sha256').update(readFileSync(PRODUCTION_SEED)).digest('hex');
      const otherSql = await rehearse({ path: PRODUCTION_SEED, sha256: sha });
      const refusedSql = await prod.run({ rehearsal: otherSql });
      expect(refusedSql.state).toBe('FAILED');
      expect(refusedSql.reason).toMatch(/the rehearsal ran other seed SQL/);

      const good = await rehearse();
      const notCompleted = JSON.parse(JSON.stringify(good)) as Evidence;
      (notCompleted.body.rollout as { state: string }).state = 'COMPENSATED';
      const refusedEdited = await prod.run({ rehearsal: notCompleted });
      expect(refusedEdited.reason).toMatch(
        /rehearsal evidence is not intact: \/body\/rollout\/state differs from the sealed value/,
      );
      expect(await fingerprint(prod.db.pool)).toEqual(before);

      const final = await prod.run({ rehearsal: good });
      expect(final.state).toBe('COMPLETED');
      expect(final.metrics).toMatchObject({ own: 30, gap: 0, conflict: 0, gov_emit: 0 });
      const stored = await prod.db.pool.query<{ packet: Evidence }>(
        'select packet from governed_rollout.evidence where rollout_id = $1',
        [final.rolloutId],
      );
      expect(stored.rows[0]?.packet.body.rehearsal).toMatchObject({
        digest: good.digest,
        state: 'COMPLETED',
        metrics: good.body.metrics,
      });
      // The production report shows the rehearsal and the production numbers side by side.
      const report = await rollout(
        ['report', final.workflowId],
        envFor(prod.db, { TEMPORAL_TASK_QUEUE: prod.taskQueue }),
      );
      expect(report.stdout).toContain('## Rehearsal and production, side by side');
      expect(report.stdout).toMatch(
        new RegExp(
          `\\| numbers \\| own=30 gap=0 conflict=0 gov_emit=0 coverage_pct=100 .* \\| own=30 gap=0 conflict=0 ` +
            `gov_emit=0 coverage_pct=100 .* \\|`,
        ),
      );
      expect(report.stdout).toContain(good.digest);
    });

    test('a rehearsal that ended COMPENSATED does not stand', async () => {
      const clone = await rolloutHarness();
      harnesses.push(clone);
      const handle = await clone.start();
      await handle.cancel();
      await clone.waitFor(handle, (p) => p.state === 'COMPENSATED').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1_000));
      const { rows } = await clone.db.pool.query<{ packet: Evidence }>('select packet from governed_rollout.evidence');
      const compensated = rows[0]?.packet;
      expect(compensated?.body.rollout.state).toBe('COMPENSATED');
      const prod = await production();
      const before = await fingerprint(prod.db.pool);
      const final = await prod.run({ rehearsal: compensated });
      expect(final.state).toBe('FAILED');
      expect(final.reason).toMatch(/the rehearsal .* ended COMPENSATED, not COMPLETED/);
      expect(await fingerprint(prod.db.pool)).toEqual(before);
    });
  });
});
