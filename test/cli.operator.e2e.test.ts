// The operator's commands as an operator runs them: plan, progress --watch, report, list, --help.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readOnlyPool, type Plan } from '../src/plan/plan';
import type { ListedRollout } from '../src/cli/actions/list';
import { formatChanges, formatFrame } from '../src/format/progress';
import type { Packet } from '../src/report/packet';
import type { RolloutProgress } from '../src/shared';
import {
  envFor,
  expectOneLineError,
  lastLine,
  REPO,
  rollout,
  startCliWorker,
  type CliResult,
  type CliWorker,
} from './support/cli';
import { count, fingerprint, freshDatabase, ratify, takeSnapshot, type TestDatabase } from './support/db';
import { holdUntilCancelled, onApply } from './support/faults';
import { CLONE_SCAN_RULESET, rolloutHarness, type Harness } from './support/harness';
import { unique } from './support/names';
import { finalProgress } from '../src/cli/execution';
import { stepOf } from './support/packet';

const RULESET = path.join(REPO, 'examples', 'ruleset.clone.json');
const BIN = path.join(REPO, 'bin', 'rollout.js');
const APR = 'APR-BOOT-AUTHMODEL-1';
const ESC = '\u001b';

function ok(result: CliResult): string {
  if (result.code !== 0) throw new Error(`exit ${result.code}; stderr: ${result.stderr}; stdout: ${result.stdout}`);
  return result.stdout;
}

/** A command left running, its stdout and stderr pipes read (so it is not on a terminal). */
function background(args: string[], env: NodeJS.ProcessEnv): { done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return {
    done: new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      }),
    ),
  };
}

/** Visibility is eventually consistent: asks `rollout list` until the predicate holds. */
async function listUntil(
  env: NodeJS.ProcessEnv,
  predicate: (rows: ListedRollout[]) => boolean,
): Promise<ListedRollout[]> {
  let rows: ListedRollout[] = [];
  for (let i = 0; i < 40; i += 1) {
    rows = JSON.parse(ok(await rollout(['list', '--json'], env))) as ListedRollout[];
    if (predicate(rows)) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`rollout list never satisfied the test: ${JSON.stringify(rows)}`);
}

describe('rollout plan: a read-only dry run of every guard', () => {
  let db: TestDatabase;
  afterEach(async () => db.drop());

  test(
    'NO-GO before ratification (exit 2), GO after it, ' + 'with the packet numbers; nothing written either ' + 'way',
    async () => {
      db = await freshDatabase();
      const env = envFor(db);
      const before = await fingerprint(db.pool);

      const nogo = await rollout(['plan', '--apr', APR], env);
      expect(nogo.code).toBe(2);
      expect(nogo.stderr).toBe('');
      expect(lastLine(nogo.stdout)).toBe('NO-GO');
      expect(nogo.stdout).toMatch(/NO-GO\s+gate\s+expected ospa >= 1; actual ospa = 0/);
      expect(nogo.stdout).toMatch(/GO\s+gap\s+expected 210; actual 210/);
      expect(nogo.stdout).toContain('1 precondition(s) fail: gate');

      await ratify(db.pool);
      const snapshotRef = await takeSnapshot(db.pool);
      const ready = await fingerprint(db.pool);
      const go = await rollout(
        ['plan', '--apr', APR, '--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef],
        env,
      );
      expect(go.stderr).toBe('');
      expect(go.code).toBe(0);
      expect(lastLine(go.stdout)).toBe('GO');
      expect(go.stdout).toContain('READ ONLY transaction, nothing written');
      for (const line of [
        /GO\s+gate\s+expected ospa >= 1; actual ospa = 1/,
        /GO\s+own\s+expected 0; actual 0/,
        /GO\s+conflict\s+expected 0; actual 0/,
        /GO\s+gov_emit\s+expected 0; actual 0/,
        /GO\s+gov_types_active\s+expected 0; actual 0/,
        /GO\s+snapshot\s+expected SNAP-\S+ exists and matches the inventory; actual exists, matches/,
        /GO\s+domains\s+expected 5 domains in the inventory; actual 5 of 5/,
        /GO\s+ruleset\s+expected absent, or the same definition; actual absent/,
        /GO\s+cursor\s+expected scan_cursor row governance_scan exists; actual at null/,
        new RegExp(
          /seed\s+automated\s+the bundled seed script: insert 30 governance_object_ownership rows .*ow/.source +
            /n 0->30, gap 210->0, conflict 0, gov_emit 0 unchanged; then 30 direct \+ 210 inherited, cov/.source +
            /erage 100%/.source,
        ),
        /scan\s+automated\s+insert ruleset RS-OWNERSHIP-COVERAGE v1; upsert 5 candidate_state \+ 35 candidate_object/,
        new RegExp(`cursor\\s+automated\\s+scan_cursor governance_scan from null to ${snapshotRef}`),
        /gate\s+MANUAL\s+people ratify/,
        /phase3\s+MANUAL\s+emit activation .* never automated; 0 governance types active now/,
      ]) {
        expect(go.stdout).toMatch(line);
      }

      const json = await rollout(
        ['plan', '--apr', APR, '--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef, '--json'],
        env,
      );
      expect(json.code).toBe(0);
      const plan = JSON.parse(json.stdout) as Plan;
      expect(plan).toMatchObject({
        verdict: 'GO',
        readOnly: true,
        apr: APR,
        metrics: { ospa: 1, own: 0, gap: 210, conflict: 0, gov_emit: 0 },
      });
      expect(plan.checks.map((c) => [c.name, c.ok])).toEqual([
        ['gate', true],
        ['gap', true],
        ['own', true],
        ['conflict', true],
        ['gov_emit', true],
        ['gov_types_active', true],
        ['snapshot', true],
        ['domains', true],
        ['ruleset', true],
        ['cursor', true],
      ]);
      expect(plan.changes.filter((c) => !c.automated).map((c) => c.step)).toEqual(['gate', 'phase3']);

      expect(before).not.toEqual(ready);
      expect(await fingerprint(db.pool)).toEqual(ready);
    },
  );

  test('drift is NO-GO with the numbers: stale snapshot, a changed ruleset, own and gap off', async () => {
    db = await freshDatabase();
    const env = envFor(db);
    await ratify(db.pool);
    const snapshotRef = await takeSnapshot(db.pool);
    // The inventory changes after the snapshot, a ruleset v1 with another definition exists, and
    // someone seeded one ownership row by hand.
    await db.pool.query(
      "insert into governance_domain (domain_code, title, steward_role) values ('GD31', 'late domain', 'steward_gd31')",
    );
    await db.pool.query(
      "insert into governance_ruleset (ruleset_code, version, definition) values ('RS-OWNERSHIP-COVERAGE', 1, " +
        '\'{"other": true}\')',
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-plan-'));
    const unknownDomains = path.join(dir, 'ruleset.json');
    writeFileSync(unknownDomains, JSON.stringify({ ...CLONE_SCAN_RULESET, version: 2, domains: ['GD01', 'GD99'] }));
    const before = await fingerprint(db.pool);

    const result = await rollout(
      ['plan', '--apr', APR, '--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef, '--json'],
      env,
    );
    expect(result.code).toBe(2);
    const plan = JSON.parse(result.stdout) as Plan;
    expect(plan.verdict).toBe('NO-GO');
    const byName = Object.fromEntries(plan.checks.map((c) => [c.name, c]));
    expect(byName.snapshot?.ok).toBe(false);
    expect(byName.snapshot?.actual).toContain('is stale');
    expect(byName.ruleset).toMatchObject({ ok: false, note: 'publish a new version' });
    expect(byName.ruleset?.actual).toContain('with a different definition');
    expect(byName.gate?.ok).toBe(true);

    const domains = JSON.parse(
      (
        await rollout(
          ['plan', '--apr', APR, '--scan', '--ruleset', unknownDomains, '--snapshot-ref', snapshotRef, '--json'],
          env,
        )
      ).stdout,
    ) as Plan;
    expect(domains.checks.find((c) => c.name === 'domains')).toMatchObject({ ok: false, actual: '1 of 2' });

    expect(await fingerprint(db.pool)).toEqual(before);

    await db.pool.query("delete from governance_ruleset where ruleset_code = 'RS-OWNERSHIP-COVERAGE'");
    await db.pool.query(
      "insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by) values ('GD01', " +
        "'steward_gd01', 'APR-BY-HAND', 'hand')",
    );
    const drifted = await rollout(['plan', '--apr', APR], env);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toMatch(/NO-GO\s+own\s+expected 0; actual 1/);
    expect(lastLine(drifted.stdout)).toBe('NO-GO');
  });

  test('its connection is READ ONLY: PostgreSQL refuses a write on it', async () => {
    db = await freshDatabase();
    const pool = readOnlyPool(db.url);
    try {
      await expect(
        pool.query("insert into os_proposal_approvals (proposal_code, approved_by) values ('APR-X', 'nobody')"),
      ).rejects.toMatchObject({ code: '25006' });
    } finally {
      await pool.end();
    }
    expect(await count(db.pool, 'select count(*) as n from os_proposal_approvals')).toBe(0);
  });

  test('bad input names what is wrong', async () => {
    db = await freshDatabase();
    const env = envFor(db);
    expectOneLineError(await rollout(['plan'], env), /required option '--apr <code>'/);
    expectOneLineError(await rollout(['plan', '--apr', 'apr-1'], env), /an APR code looks like APR-BOOT-AUTHMODEL-1/);
    expectOneLineError(
      await rollout(['plan', '--apr', APR, '--scan'], env),
      /--scan needs --ruleset FILE and --snapshot-ref REF/,
    );
    expectOneLineError(await rollout(['plan', '--apr', APR], envFor(null)), /set DATABASE_URL/);
    expectOneLineError(
      await rollout(['plan', '--apr', APR, '--expected', path.join(REPO, 'no-such.json')], env),
      /cannot read expected-numbers file/,
    );
    // Other baseline numbers are checked as given: the clone's gap of 210 is then a NO-GO.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-plan-'));
    writeFileSync(path.join(dir, 'expected.json'), JSON.stringify({ gap: 211 }));
    const scaled = await rollout(['plan', '--apr', APR, '--expected', path.join(dir, 'expected.json')], env);
    expect(scaled.code).toBe(2);
    expect(scaled.stdout).toMatch(/NO-GO\s+gap\s+expected 211; actual 210/);
  });
});

describe('progress --watch, report and list against a live rollout', () => {
  let db: TestDatabase | undefined;
  let worker: CliWorker | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    if (worker) expect(await worker.stop()).toBe(0);
    await db?.drop();
    await h?.teardown();
    worker = undefined;
    db = undefined;
    h = undefined;
  });

  test(
    'a completed rollout: --watch lines in a pipe, NDJSON, a terminal frame, the packet in md and json, the ' + 'list',
    async () => {
      db = await freshDatabase();
      const env = envFor(db, { TEMPORAL_UI_URL: 'https://temporal-ui.example:8443/' });
      worker = await startCliWorker(env);
      const snapshotRef = await takeSnapshot(db.pool);
      const id = lastLine(
        ok(await rollout(['start', '--apr', APR, '--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef], env)),
      );

      const lines = background(['progress', id, '--watch', '--interval', '200ms'], env);
      const ndjson = background(['progress', id, '--watch', '--json', '--interval', '200ms'], env);

      // While it waits: the list shows it running at the gate, the packet is interim.
      const waiting = await listUntil(env, (rows) =>
        rows.some((r) => r.workflowId === id && r.state === 'WAITING_FOR_GATE'),
      );
      expect(waiting.find((r) => r.workflowId === id)).toMatchObject({ status: 'RUNNING', apr: APR, closeTime: null });
      const interim = JSON.parse(ok(await rollout(['report', id, '--format', 'json'], env))) as Packet;
      expect(interim).toMatchObject({
        final: false,
        rollout: { state: 'WAITING_FOR_GATE' },
        precondition: { accepted: false, attempts: [] },
        rollback: { performed: false },
      });
      expect(interim.phases[0]).toMatchObject({
        step: 'seed',
        status: 'pending',
        sqlSha256: null,
        verification: { passed: null },
      });

      expect(lastLine(ok(await rollout(['gate-open', id, '--by', 'eager operator'], env)))).toBe('refused');
      await ratify(db.pool);
      expect(lastLine(ok(await rollout(['gate-open', id, '--by', 'ops on call'], env)))).toBe('accepted');
      const final = JSON.parse(ok(await rollout(['result', id, '--json'], env))) as RolloutProgress;
      expect(final.state).toBe('COMPLETED');

      // The line form ends by itself when the rollout ends: timestamped lines, no terminal codes.
      const watched = await lines.done;
      expect(watched.code).toBe(0);
      expect(watched.stderr).toBe('');
      expect(watched.stdout).not.toContain(ESC);
      const out = watched.stdout.trimEnd().split('\n');
      for (const line of out) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}\S/);
      const text = out.map((l) => l.slice(26));
      expect(text[0]).toBe(`rollout ${id} target=${final.target} apr=${APR}`);
      expect(text[1]).toBe('state WAITING_FOR_GATE');
      // The first observation is told in full: every step, pending.
      expect(text.slice(2, 5)).toEqual([
        'step [□□□] 0/3 seed   pending',
        'step [□□□] 0/3 scan   pending',
        'step [□□□] 0/3 cursor pending',
      ]);
      expect(text).toContainEqual(expect.stringMatching(/^gate .*refused +by eager operator {2}ospa=0/));
      expect(text).toContainEqual(expect.stringMatching(/^gate .*accepted +by ops on call {2}ospa=1/));
      expect(text).toContainEqual(`gate accepted, opened by ops on call at ${final.gate.acceptedAt}`);
      expect(text).toContainEqual(
        expect.stringMatching(
          /^step \[[■□]{3}\] [1-3]\/3 seed +done +inserted=30 alreadyPresent=false {2}sql=[0-9a-f]{12}$/,
        ),
      );
      expect(text).toContainEqual(
        expect.stringMatching(/^step \[[■□]{3}\] [2-3]\/3 scan +done .*candidate_state=5 candidate_object=35/),
      );
      expect(text).toContainEqual(
        expect.stringMatching(new RegExp(`^step \\[■■■\\] 3/3 cursor +done +from=null to=${snapshotRef} changed=true`)),
      );
      // It ends on the state, after the steps and numbers that led there.
      expect(text[text.length - 1]).toMatch(/^state (RUNNING|WAITING_FOR_GATE) -> COMPLETED$/);
      expect(text.filter((l) => l.startsWith('metrics ')).pop()).toBe(
        'metrics own=30 gap=0 conflict=0 gov_emit=0 coverage_pct=100 (30 direct + 210 inherited, ospa=1)',
      );
      // One line per change: the gate attempts appear once each, however many polls saw them.
      expect(text.filter((l) => l.includes('by eager operator'))).toHaveLength(1);

      const docs = (await ndjson.done).stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as RolloutProgress);
      expect(docs[0]?.state).toBe('WAITING_FOR_GATE');
      expect(docs[docs.length - 1]).toEqual(final);
      expect(new Set(docs.map((d) => JSON.stringify(d))).size).toBe(docs.length);

      // On a terminal (script(1) gives it a pty) the frame is drawn in place by log-update.
      const onPty = (size: string) =>
        spawnSync('script', ['-qfec', `stty ${size}; ${process.execPath} ${BIN} progress ${id} --watch`, '/dev/null'], {
          cwd: REPO,
          env,
          encoding: 'utf8',
          timeout: 30_000,
        });
      const tty = onPty('rows 40 cols 160');
      expect(tty.status).toBe(0);
      expect(tty.stdout).toContain(`${ESC}[?25l`); // cursor hidden while drawing
      expect(tty.stdout).toContain('steps  [■■■] 3/3');
      expect(tty.stdout).toMatch(/✔ seed +done +inserted=30/);
      expect(tty.stdout).toContain('gate   ✔ accepted, opened by ops on call');
      // A pty without a size gets the line form rather than an invisible frame.
      const sizeless = onPty('rows 0 cols 0');
      expect(sizeless.status).toBe(0);
      expect(sizeless.stdout).not.toContain(`${ESC}[?25l`);
      expect(sizeless.stdout).toMatch(/state COMPLETED\r?\n/);

      // The packet, Markdown.
      const md = ok(await rollout(['report', id], env));
      const ui = 'https://temporal-ui.example:8443/namespaces/default/workflows';
      const link = `${ui}/${encodeURIComponent(id)}/${final.runId}/history`;
      for (const expected of [
        `# Rollout evidence packet: ${final.target}`,
        '| State | **COMPLETED** |',
        `| Temporal workflow id | \`${id}\` |`,
        `| Temporal run id | \`${final.runId}\` |`,
        `[${link}](${link})`,
        `**Accepted**: opened by ops on call at ${final.gate.acceptedAt} (ospa=1).`,
        '## Phase 1 — Ownership seed',
        '| own | 0 → 30 | 0 → 30 | ✔ |',
        '| gap | 210 → 0 | 210 → 0 | ✔ |',
        '| conflict | 0 → 0 | 0 → 0 | ✔ |',
        '| gov_emit | 0 → 0 | 0 → 0 | ✔ |',
        '| direct | 30 | 0 → 30 | ✔ |',
        '| inherited | 210 | 0 → 210 | ✔ |',
        '| coverage_pct | 100 | 0 → 100 | ✔ |',
        '| candidate_state | 5 | 5 | ✔ |',
        "| candidate_object | the inventory's count | 35 | ✔ |",
        '| candidate_scan_run | 1 appended | 1 appended | ✔ |',
        `| scan_cursor | ${snapshotRef} | null → ${snapshotRef} | ✔ |`,
        ...final.steps.map((s) => `SQL SHA-256: \`${s.sqlSha256}\``),
        '## Phase 3 — Emit activation: manual, not automated',
        '## Rollback\n\nNone performed.',
        `| rollout_id | \`${final.rolloutId}\` |`,
        '| cursor before: snapshot_ref | null |',
      ]) {
        expect(md).toContain(expected);
      }
      expect(md.match(/Verification: passed/g)).toHaveLength(3);

      // The packet, JSON.
      const packet = JSON.parse(ok(await rollout(['report', id, '--format', 'json'], env))) as Packet;
      expect(packet).toMatchObject({
        final: true,
        expectedFrom: 'input',
        temporal: { workflowId: id, runId: final.runId, status: 'COMPLETED', namespace: 'default', uiUrl: link },
        rollout: { state: 'COMPLETED', apr: APR, rolloutId: final.rolloutId },
        precondition: { accepted: true, openedBy: 'ops on call', ospaAtAcceptance: 1 },
        phase3: { automated: false, gov_types_active: 0, gov_emit: 0 },
        rollback: { performed: false, steps: [] },
        manualRollback: {
          rolloutId: final.rolloutId,
          seedCreatedBy: 'F6_OWNERSHIP_SEED_COMMIT',
          cursor: { name: 'governance_scan', advancedTo: snapshotRef, before: { snapshot_ref: null } },
        },
        metrics: { own: 30, gap: 0, conflict: 0, gov_emit: 0, coverage_pct: 100 },
      });
      expect(packet.precondition.attempts.map((a) => a.outcome)).toEqual(['refused', 'accepted']);
      expect(packet.phases.map((p) => [p.step, p.status, p.verification.passed, p.sqlSha256])).toEqual(
        final.steps.map((s) => [s.name, 'done', true, s.sqlSha256]),
      );
      expect(packet.phases.flatMap((p) => p.deltas).filter((d) => d.ok !== true)).toEqual([]);
      expect(packet.phases[1]?.deltas.find((d) => d.name === 'candidate_object')).toMatchObject({ after: 35 });

      // The list, closed: Temporal's status and the rollout's own state, both from visibility.
      const rows = await listUntil(env, (r) => r.some((row) => row.workflowId === id && row.status === 'COMPLETED'));
      expect(rows.find((r) => r.workflowId === id)).toMatchObject({
        runId: final.runId,
        status: 'COMPLETED',
        state: 'COMPLETED',
        target: final.target,
        apr: APR,
      });
      const table = ok(await rollout(['list'], env)).split('\n');
      expect(table[0]).toMatch(/^WORKFLOW ID +TEMPORAL +STATE +APR +TARGET +STARTED +CLOSED$/);
      expect(table).toContainEqual(
        expect.stringMatching(new RegExp(`^${id.replace(/\./g, '\\.')} +COMPLETED +COMPLETED +${APR} `)),
      );
    },
  );

  test(
    'a cancelled rollout: the packet shows the rollback and the baseline restored; the list shows it ' + 'compensated',
    async () => {
      h = await rolloutHarness({ wrap: onApply('scan', () => holdUntilCancelled()) });
      await ratify(h.db.pool);
      const snapshotRef = await takeSnapshot(h.db.pool);
      const handle = await h.start({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
      await h.openGate(handle, 'ops on call');
      await h.waitFor(handle, (p) => p.steps[0]?.status === 'done');
      await handle.cancel();
      const final = await finalProgress(handle);
      expect(final.state).toBe('COMPENSATED');
      const env = envFor(null, { TEMPORAL_TASK_QUEUE: h.taskQueue });

      const packet = JSON.parse(ok(await rollout(['report', handle.workflowId, '--format', 'json'], env))) as Packet;
      expect(packet.rollout.state).toBe('COMPENSATED');
      expect(packet.rollout.reason).toContain('30 row(s) undone');
      expect(packet.rollback).toMatchObject({
        performed: true,
        baselineRestored: true,
        problems: [],
        steps: [
          { step: 'scan', status: 'compensated', detail: { deleted: 0 } },
          { step: 'seed', status: 'compensated', detail: { deleted: 30 } },
        ],
      });
      expect(packet.rollback.steps.map((s) => s.detail?.sqlSha256)).toEqual([
        expect.stringMatching(/^[0-9a-f]{64}$/),
        expect.stringMatching(/^[0-9a-f]{64}$/),
      ]);
      expect(packet.phases[0]).toMatchObject({ step: 'seed', status: 'compensated', verification: { passed: true } });
      expect(packet.phases[1]).toMatchObject({
        step: 'scan',
        status: 'compensated',
        error: 'cancelled',
        verification: { passed: null },
      });
      expect(packet.metrics).toMatchObject({ own: 0, gap: 210 });

      const md = ok(await rollout(['report', handle.workflowId, '--format', 'md'], env));
      expect(md).toContain('| seed | compensated | deleted=30, sqlSha256=');
      expect(md).toContain(
        'Baseline restored: own, gap, conflict and gov_emit are as measured before the first write.',
      );
      expect(md).toContain('http://localhost:8080/namespaces/default/workflows/');

      // Not a green "Completed" in Temporal: a compensated rollout closes Failed, its state says why.
      const rows = await listUntil(env, (r) =>
        r.some((row) => row.workflowId === handle.workflowId && row.status === 'FAILED'),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'FAILED', state: 'COMPENSATED' });
    },
  );

  test(
    "the runbook's rollback by hand, with the report's " + 'values, restores every table when Temporal cannot',
    async () => {
      h = await rolloutHarness();
      await ratify(h.db.pool);
      const snapshotRef = await takeSnapshot(h.db.pool);
      // The cursor has a history, so putting it back is more than setting nulls.
      const earlier = 'SNAP-20260102T030405Z-0123abcd';
      await h.db.pool.query(
        "insert into source_snapshot (snapshot_ref, inventory_hash, object_count) values ($1, 'an earlier " +
          "inventory', 0)",
        [earlier],
      );
      await h.db.pool.query("update scan_cursor set snapshot_ref = $1 where cursor_name = 'governance_scan'", [
        earlier,
      ]);
      const before = await fingerprint(h.db.pool);
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
      expect(final.state).toBe('COMPLETED');
      expect(await fingerprint(h.db.pool)).not.toEqual(before);

      const packet = JSON.parse(
        ok(
          await rollout(
            ['report', final.workflowId, '--format', 'json'],
            envFor(null, { TEMPORAL_TASK_QUEUE: h.taskQueue }),
          ),
        ),
      ) as Packet;
      expect(packet.manualRollback.cursor).toEqual({
        name: 'governance_scan',
        advancedTo: snapshotRef,
        before: { snapshot_ref: earlier },
      });

      // The runbook's command, as docs/OPERATIONS.md section 7 gives it: the rollout id is all it needs.
      const doc = readFileSync(path.join(REPO, 'docs', 'OPERATIONS.md'), 'utf8');
      expect(doc).toContain('-v rollout_id="$(jq -r .manualRollback.rolloutId $R)" -f sql/ledger/rollback_by_hand.sql');
      const psql = spawnSync(
        'psql',
        [
          h.db.url,
          '-X',
          '-v',
          `rollout_id=${packet.manualRollback.rolloutId}`,
          '-f',
          path.join(REPO, 'sql', 'ledger', 'rollback_by_hand.sql'),
        ],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(psql.stderr).toBe('');
      expect(psql.status).toBe(0);
      for (const deleted of [
        ['candidate_object', 35],
        ['candidate_state', 5],
        ['candidate_scan_run', 1],
        ['governance_object_ownership', 30],
      ] as const) {
        expect(psql.stdout).toMatch(new RegExp(`^ ${deleted[0]} +\\| +${deleted[1]}$`, 'm'));
      }
      for (const line of ['UPDATE 1', 'COMMIT']) expect(psql.stdout).toContain(line);
      expect(await fingerprint(h.db.pool)).toEqual(before);
      expect(
        await count(
          h.db.pool,
          'select count(*) as n from governed_rollout.written where rollout_id = $1 and reverted_at is null',
          [final.rolloutId],
        ),
      ).toBe(0);
    },
  );

  test('errors name what was wrong and what to do', async () => {
    const env = envFor(null);
    expectOneLineError(
      await rollout(['report', unique('missing')], env),
      /no rollout with workflow id .*: check the id/,
    );
    expectOneLineError(
      await rollout(['report', 'x', '--format', 'pdf'], env),
      /--format "pdf": use md, json, html or evidence/,
    );
    expectOneLineError(
      await rollout(['report', 'x'], { ...env, TEMPORAL_UI_URL: 'localhost:8080' }),
      /TEMPORAL_UI_URL must be an http\(s\) URL/,
    );
    expectOneLineError(await rollout(['progress', unique('missing'), '--watch'], env), /no rollout with workflow id/);
    expectOneLineError(
      await rollout(['progress', 'x', '--watch', '--interval', 'often'], env),
      /duration "often" is not like/,
    );
    expectOneLineError(await rollout(['list', '--limit', 'all'], env), /--limit "all": use a whole number/);
    const empty = ok(await rollout(['list'], env));
    expect(empty).toContain(
      `no rollouts (query: WorkflowType = 'rolloutWorkflow' AND TaskQueue = '${String(env.TEMPORAL_TASK_QUEUE)}')`,
    );
  });
});

describe('help and the pure formatters', () => {
  test('every command has --help with an example', () => {
    const commands = [
      ['demo'],
      ['worker'],
      ['plan'],
      ['start'],
      ['gate-open'],
      ['progress'],
      ['cancel'],
      ['result'],
      ['report'],
      ['list'],
      ['db', 'init'],
      ['snapshot', 'create'],
    ];
    for (const command of commands) {
      const help = spawnSync(process.execPath, [BIN, ...command, '--help'], { cwd: REPO, encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/\nExamples?:\n {2}\S/);
    }
  });

  const progress = (over: Partial<RolloutProgress> = {}): RolloutProgress => ({
    workflowId: 'rollout-t',
    runId: 'r1',
    rolloutId: 'rollout-t/r1',
    target: 't',
    apr: APR,
    state: 'RUNNING',
    reason: null,
    gate: { accepted: true, openedBy: 'ops', acceptedAt: '2026-11-24T10:00:00.000Z', attempts: [] },
    steps: [
      stepOf('seed', { status: 'done', sqlSha256: 'a'.repeat(64), detail: { inserted: 30 } }),
      stepOf('scan', { status: 'running' }),
      stepOf('cursor'),
    ],
    baseline: null,
    metrics: null,
    evidence: null,
    startedAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:01.000Z',
    ...over,
  });

  test('the terminal frame: a bar, a spinner on the running step, icons for the others', () => {
    const frame = formatFrame(progress(), 0);
    expect(frame).toContain('steps  [■□□] 1/3');
    expect(frame).toMatch(/✔ seed +done +inserted=30 {2}sql=aaaaaaaaaaaa/);
    expect(frame).toMatch(/⠋ scan +running/);
    expect(frame).toMatch(/○ cursor +pending/);
    expect(formatFrame(progress(), 1)).toMatch(/⠙ scan +running/);
  });

  test('the line form says only what changed', () => {
    const before = progress();
    const after = progress({
      updatedAt: '2026-11-24T10:00:02.000Z',
      steps: before.steps.map((s) => (s.name === 'scan' ? { ...s, status: 'done' } : s)),
    });
    expect(formatChanges(before, before)).toEqual([]);
    expect(formatChanges(before, after)).toEqual(['2026-11-24T10:00:02.000Z  step [■■□] 2/3 scan   done']);
  });
});
