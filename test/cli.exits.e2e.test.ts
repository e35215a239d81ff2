// What a script sees of the CLI: exit codes by how a rollout ended, closed rollouts said to be closed,
// --json wherever a result is printed, and a pipe closed early ending the command quietly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finalProgress } from '../src/cli/execution';
import { EXIT_CODES, exitCodesMarkdown, type ExitName } from '../src/cli/exitCodes';
import type { Evidence } from '../src/evidence/packet';
import type { Packet } from '../src/report/packet';
import { WORKFLOW_TYPE, gateOpenedSignal, type RolloutProgress } from '../src/shared';
import { envFor, expectOneLineError, lastLine, REPO, rollout } from './support/cli';
import { ratify } from './support/db';
import { rolloutHarness, type Harness } from './support/harness';
import { unique } from './support/names';

const BIN = path.join(REPO, 'bin', 'rollout.js');
// No test ratifies it: every claim on it is refused, and a refusal is a change a --watch prints.
const UNRATIFIED = 'APR-NEVER-RATIFIED-1';

describe('exit codes, closed rollouts, --json and pipes', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await rolloutHarness();
    env = envFor(h.db, { TEMPORAL_TASK_QUEUE: h.taskQueue, ROLLOUT_TARGET: h.target });
    // Ratified, but no rollout is claimed open unless a test does so.
    await ratify(h.db.pool);
  });
  afterAll(async () => h.teardown());

  async function resultOf(workflowId: string) {
    const r = await rollout(['result', workflowId, '--json'], env);
    return { ...r, final: r.stdout ? (JSON.parse(r.stdout) as RolloutProgress) : null };
  }

  /** A packet of evidence from the ledger: a rollout on an unratified APR, cancelled at its gate. */
  let packetFile: Promise<{ dir: string; file: string; packet: Evidence; workflowId: string }> | undefined;
  function evidenceFile() {
    packetFile ??= (async () => {
      const handle = await h.start({ apr: UNRATIFIED });
      await h.waitFor(handle, (p) => p.state === 'WAITING_FOR_GATE');
      await handle.cancel();
      expect((await finalProgress(handle)).state).toBe('COMPENSATED');
      const printed = await rollout(['report', handle.workflowId, '--format', 'evidence'], env);
      expect([printed.code, printed.stderr]).toEqual([0, '']);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'exits-'));
      const file = path.join(dir, 'evidence.json');
      writeFileSync(file, printed.stdout);
      return { dir, file, packet: JSON.parse(printed.stdout) as Evidence, workflowId: handle.workflowId };
    })();
    return packetFile;
  }

  // One test per code of the table, each seeing the code as a script would. A Record, so a code added to
  // the table without a test here does not compile.
  const scenarios: Record<ExitName, () => Promise<void>> = {
    OK: async () => {
      const done = await h.start();
      await h.openGate(done, 'ops on call');
      const ok = await resultOf(done.workflowId);
      expect([ok.code, ok.final?.state, ok.stderr]).toEqual([0, 'COMPLETED', '']);
      expect((await done.result()).gate.attempts.map((a) => a.by)).toEqual(['ops on call']);
      // A closed rollout is closed, with how it ended, not missing; nothing is sent to it.
      const open = await rollout(['gate-open', done.workflowId, '--by', 'late operator'], env);
      const closed =
        `rollout ${done.workflowId} is closed: COMPLETED; nothing was sent\\. rollout report ` +
        `${done.workflowId} shows how`;
      expectOneLineError(open, new RegExp(closed));
      expect(open.code).toBe(EXIT_CODES.CLOSED.code);
    },
    ERROR: async () => {
      // The obvious wrong file: the JSON report, not the sealed packet. Wrong input, not tampered evidence.
      const { dir, workflowId } = await evidenceFile();
      const report = path.join(dir, 'report.json');
      writeFileSync(report, (await rollout(['report', workflowId, '--format', 'json'], env)).stdout);
      const verified = await rollout(['report', 'verify', report], env);
      expectOneLineError(
        verified,
        new RegExp(
          /report\.json is not an evidence packet \(it is a report of --format json, not the sealed pa/.source +
            /cket\): pass the output of .* --format evidence$/.source,
        ),
      );
      expect([verified.code, verified.stdout]).toEqual([EXIT_CODES.ERROR.code, '']);
      const notJson = path.join(dir, 'report.md');
      writeFileSync(notJson, (await rollout(['report', workflowId], env)).stdout);
      const md = await rollout(['report', 'verify', notJson], env);
      expectOneLineError(md, /is not JSON: pass the output of rollout report ID --format evidence$/);
      expect(md.code).toBe(EXIT_CODES.ERROR.code);
      const nothing = await rollout(['report', 'verify', path.join(dir, 'missing.json')], env);
      expectOneLineError(nothing, /cannot read evidence file .*missing\.json/);
      expect(nothing.code).toBe(EXIT_CODES.ERROR.code);
    },
    NO_GO: async () => {
      const plan = await rollout(['plan', '--apr', UNRATIFIED], env);
      expect([plan.code, plan.stderr, lastLine(plan.stdout)]).toEqual([EXIT_CODES.NO_GO.code, '', 'NO-GO']);
    },
    FAILED: async () => {
      // Input the workflow itself refuses (the CLI would not send it), nothing written.
      const invalid = await h.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: h.taskQueue,
        workflowId: unique('invalid'),
        args: [{ target: h.target, apr: 'not-an-apr' }],
      });
      const failed = await resultOf(invalid.workflowId);
      expect([failed.code, failed.final?.state]).toEqual([EXIT_CODES.FAILED.code, 'FAILED']);
      const why =
        `^rollout: ${invalid.workflowId} ended FAILED ` +
        `\\(exit 3\\): invalid input, nothing written: ` +
        `.*apr.*\\. `;
      expectOneLineError(
        failed,
        new RegExp(`${why}Next: rollout report ${invalid.workflowId} shows each step's numbers`),
      );
    },
    COMPENSATED: async () => {
      const cancelled = await h.start();
      await h.waitFor(cancelled, (p) => p.state === 'WAITING_FOR_GATE');
      await cancelled.cancel();
      const comp = await resultOf(cancelled.workflowId);
      expect([comp.code, comp.final?.state]).toEqual([EXIT_CODES.COMPENSATED.code, 'COMPENSATED']);
      const closedProgress = await rollout(['progress', cancelled.workflowId], env);
      expect(closedProgress.code).toBe(0);
      expect(closedProgress.stdout).toContain(`${cancelled.workflowId}  COMPENSATED`);
    },
    EXPIRED: async () => {
      const expired = await h.start({ gateTimeoutMs: 1000 });
      const exp = await resultOf(expired.workflowId);
      expect([exp.code, exp.final?.state]).toEqual([EXIT_CODES.EXPIRED.code, 'EXPIRED']);
      expect(exp.stderr).toMatch(
        /ended EXPIRED \(exit 5\): the gate timeout passed without an accepted gate-open claim: nothing was written/,
      );
    },
    NO_RESULT: async () => {
      const terminated = await h.start();
      await h.waitFor(terminated, (p) => p.state === 'WAITING_FOR_GATE');
      await terminated.terminate('an operator terminated it in the Temporal UI');
      const term = await rollout(['result', terminated.workflowId], env);
      expectOneLineError(
        term,
        /ended TERMINATED in Temporal without a rollout result \(.*\): rollout report .* shows what it recorded/,
      );
      expect(term.code).toBe(EXIT_CODES.NO_RESULT.code);
      // Terminated in Temporal: its status, and where the rollout was.
      const claim = await rollout(['gate-open', terminated.workflowId, '--by', 'late operator'], env);
      expectOneLineError(claim, /is closed: TERMINATED, while WAITING_FOR_GATE; nothing was sent/);
      expect(claim.code).toBe(EXIT_CODES.CLOSED.code);
    },
    CLOSED: async () => {
      const { workflowId } = await evidenceFile();
      const cancelClosed = await rollout(['cancel', workflowId], env);
      expectOneLineError(
        cancelClosed,
        /is closed: COMPENSATED \(Temporal status FAILED\), cancelled before the gate was accepted/,
      );
      expect(cancelClosed.code).toBe(EXIT_CODES.CLOSED.code);
      // And one that never existed is still said to be missing.
      const missing = await rollout(['gate-open', unique('missing'), '--by', 'me'], env);
      expectOneLineError(missing, /no rollout with workflow id .*: check the id/);
      expect(missing.code).toBe(EXIT_CODES.ERROR.code);
    },
    TAMPERED: async () => {
      const { dir, packet } = await evidenceFile();
      const edited = path.join(dir, 'edited.json');
      writeFileSync(
        edited,
        JSON.stringify({ ...packet, body: { ...packet.body, gate: { ...packet.body.gate, openedBy: 'someone' } } }),
      );
      const bad = await rollout(['report', 'verify', edited], envFor(null));
      expect(bad.code).toBe(EXIT_CODES.TAMPERED.code);
      expect(lastLine(bad.stdout)).toBe('TAMPERED: /body/gate/openedBy differs from the sealed value');
      // A packet whose seal was cut off is tampered evidence, not wrong input.
      const cut = path.join(dir, 'cut.json');
      writeFileSync(cut, JSON.stringify({ body: packet.body }));
      const unsealed = await rollout(['report', 'verify', cut], envFor(null));
      expect(unsealed.code).toBe(EXIT_CODES.TAMPERED.code);
      expect(lastLine(unsealed.stdout)).toMatch(/^TAMPERED: /);
    },
  };

  const codes = Object.entries(EXIT_CODES).map(([name, { code }]) => [code, name as ExitName] as const);
  test.each(codes)('exit %i (%s), as a script sees it', async (_code, name) => {
    await scenarios[name]();
  });

  test('a rollout ending as a workflow failure that carries its final progress reads the same everywhere', async () => {
    // Every ending but COMPLETED fails the execution in Temporal, its final progress in the failure's details.
    const handle = await h.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: h.taskQueue,
      workflowId: unique('failing'),
      args: [{ target: h.target, apr: 'not-an-apr' }],
    });
    const result = await rollout(['result', handle.workflowId, '--json'], env);
    expect(result.code).toBe(EXIT_CODES.FAILED.code);
    const final = JSON.parse(result.stdout) as RolloutProgress;
    expect([final.workflowId, final.state]).toEqual([handle.workflowId, 'FAILED']);
    expect(final.reason).toContain('invalid input');
    expect((await handle.describe()).status.name).toBe('FAILED');
    const progress = await rollout(['progress', handle.workflowId, '--json'], env);
    expect(JSON.parse(progress.stdout)).toEqual(final);
    const report = JSON.parse((await rollout(['report', handle.workflowId, '--format', 'json'], env)).stdout) as Packet;
    expect(report.rollout).toMatchObject({ state: 'FAILED' });
    expectOneLineError(await rollout(['cancel', handle.workflowId], env), /is closed: FAILED, invalid input/);
  });

  test('--json on every command that prints a result', async () => {
    const snapshot = await rollout(['snapshot', 'create', '--json'], env);
    expect((JSON.parse(snapshot.stdout) as { snapshotRef: string }).snapshotRef).toMatch(
      /^SNAP-\d{8}T\d{6}Z-[0-9a-f]{8}$/,
    );
    const id = unique('json');
    const started = await rollout(['start', '--apr', UNRATIFIED, '--id', id, '--json'], env);
    expect(JSON.parse(started.stdout)).toEqual({
      workflowId: id,
      target: h.target,
      apr: UNRATIFIED,
      state: 'WAITING_FOR_GATE',
    });
    const claimed = await rollout(['gate-open', id, '--by', 'ops', '--json'], env);
    expect(JSON.parse(claimed.stdout)).toMatchObject({
      workflowId: id,
      answered: true,
      attempt: { by: 'ops', outcome: 'refused' },
    });
    const cancelled = await rollout(['cancel', id, '--json'], env);
    expect(JSON.parse(cancelled.stdout)).toEqual({ workflowId: id, cancellationRequested: true });
    const handle = h.client.workflow.getHandle(id);
    expect((await finalProgress(handle)).state).toBe('COMPENSATED');
  });

  test('progress --watch into a reader that closes after one line ends quietly, with no stack trace', async () => {
    const handle = await h.start({ apr: UNRATIFIED });
    await h.waitFor(handle, (p) => p.state === 'WAITING_FOR_GATE');
    const child = spawn(process.execPath, [BIN, 'progress', handle.workflowId, '--watch', '--interval', '200ms'], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // `| head -1`: read one line, then close the pipe.
    const first = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          child.stdout.destroy();
          resolve(out.split('\n')[0] ?? '');
        }
      });
    });
    expect(first).toContain(`rollout ${handle.workflowId}`);
    // The next change is written into the closed pipe.
    await handle.signal(gateOpenedSignal, { id: unique('claim'), by: 'ops' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(timer);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    await handle.cancel();
  });

  test('the exit codes: one table, in --help and in the runbook', () => {
    const doc = readFileSync(path.join(REPO, 'docs', 'OPERATIONS.md'), 'utf8');
    expect(/<!-- exit-codes:begin -->\n([\s\S]*?)\n<!-- exit-codes:end -->/.exec(doc)?.[1]).toBe(exitCodesMarkdown());
    const root = spawnSync(process.execPath, [BIN, '--help'], { cwd: REPO, encoding: 'utf8' }).stdout;
    for (const { code, meaning } of Object.values(EXIT_CODES)) expect(root).toContain(`  ${code}  ${meaning}`);
    const help = (...command: string[]) =>
      spawnSync(process.execPath, [BIN, ...command, '--help'], { cwd: REPO, encoding: 'utf8' }).stdout;
    const row = (name: keyof typeof EXIT_CODES) => `  ${EXIT_CODES[name].code}  ${EXIT_CODES[name].meaning}`;
    const result = help('result');
    for (const name of ['OK', 'ERROR', 'FAILED', 'COMPENSATED', 'EXPIRED', 'NO_RESULT'] as const)
      expect(result).toContain(row(name));
    expect(result).not.toContain(row('NO_GO'));
    expect(help('plan')).toContain(row('NO_GO'));
    expect(help('gate-open')).toContain(row('CLOSED'));
    expect(help('db', 'init')).toContain(row('ERROR'));
  });
});
