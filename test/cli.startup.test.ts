// What a command loads before it answers: help and usage errors need neither the Temporal SDK, the
// database driver nor zod's package (a schema's words come from the CLI's one-file schemas, dist/cli/
// schemas.js), so they answer at once (the benchmark times it; this holds what is loaded).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './support/cli';
import { temporalAddress } from './support/harness';
import { unique } from './support/names';

const BIN = path.join(REPO, 'bin', 'rollout.js');
const PRELOAD = path.join(__dirname, 'support', 'loadedPackages.js');
const HEAVY = [
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/workflow',
  '@temporalio/envconfig',
  'pg',
  'zod',
];

// Nothing answers there: a command that got past its checks would fail differently.
const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgresql://x@127.0.0.1:1/db' };

/** A JSON file of the wrong shape for --ruleset, --expected or --rehearsal. */
function wrongShape(json: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'startup-')), 'wrong.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}
const APR_OK = ['start', '--apr', 'APR-BOOT-AUTHMODEL-1'];
const SNAP = 'SNAP-20261124T101500Z-1a2b3c4d';
const RULESET = wrongShape({ code: 'RS-X', version: '1', domains: ['GD01'] });
const EXPECTED = wrongShape({ gap: -1 });
const REHEARSAL = wrongShape({ body: {} });

function run(args: string[], env: Record<string, string> = NOWHERE) {
  const r = spawnSync(process.execPath, ['-r', PRELOAD, BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const loaded = JSON.parse((r.output[3] as string | null) ?? '[]') as string[];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}

describe('the CLI loads what a command needs when it runs', () => {
  test.each([
    [['--help'], 0, /^$/],
    [['progress', '--help'], 0, /^$/],
    [['db', 'init', '--help'], 0, /^$/],
    [['start'], 1, /^rollout: required option '--apr <code>' not specified\n$/],
    [['frobnicate'], 1, /^rollout: unknown command 'frobnicate'\n$/],
    [['progress'], 1, /^rollout: missing required argument 'id'\n$/],
    [
      ['progress', 'bad id with spaces'],
      1,
      /^rollout: workflow id "bad id with spaces": a workflow id is letters, digits and \. _ : \/ -\n$/,
    ],
    [['progress', 'x', '--interval', 'soon'], 1, /^rollout: duration "soon" is not like 90s, 30m, 12h or 7d\n$/],
    [['cancel', 'bad id'], 1, /^rollout: workflow id "bad id": /],
    [['list', '--limit', '0'], 1, /^rollout: --limit "0": use a whole number from 1 to 9999\n$/],
    [['report', 'x', '--format', 'pdf'], 1, /^rollout: --format "pdf": use md, json, html or evidence\n$/],
    [['db', 'init', '--scale', '0'], 1, /^rollout: --scale "0": the number of governance domains, 1 to 1000000\n$/],
    [['start', '--apr', 'apr-boot-1'], 1, /^rollout: apr: an APR code looks like APR-BOOT-AUTHMODEL-1\n$/],
    [['plan', '--apr', 'apr-boot-1'], 1, /^rollout: apr: an APR code looks like APR-BOOT-AUTHMODEL-1\n$/],
    [['start', '--apr', `APR-${'X'.repeat(61)}`], 1, /^rollout: apr: an APR code has at most 64 characters\n$/],
    [
      [...APR_OK, '--scan', '--ruleset', 'examples/ruleset.clone.json', '--snapshot-ref', 'latest'],
      1,
      /^rollout: scan\.snapshotRef: a snapshot ref looks like SNAP-20261124T101500Z-1a2b3c4d \(from `rollout snap/,
    ],
    [
      [...APR_OK, '--scan', '--ruleset', RULESET, '--snapshot-ref', SNAP],
      1,
      /^rollout: ruleset file \S+: version: Invalid input: expected number, received string\n$/,
    ],
    [[...APR_OK, '--expected', EXPECTED], 1, /^rollout: expected-numbers file \S+: gap: Too small: expected number/],
    [
      [...APR_OK, '--rehearsal', REHEARSAL],
      1,
      /^rollout: rehearsal evidence file \S+: fieldDigests: Invalid input: expected record, received undefined\n$/,
    ],
    [[...APR_OK, '--gate-timeout', '500ms'], 1, /^rollout: gateTimeoutMs: Too small: expected number to be >=1000\n$/],
    [[...APR_OK, '--id', 'bad id'], 1, /^rollout: workflow id "bad id": a workflow id is letters/],
    [['gate-open', 'x', '--by', ''], 1, /^rollout: by: Too small: expected string to have >=1 characters\n$/],
    [['report', 'x', '--run-id', 'bad id'], 1, /^rollout: workflow id "bad id": a workflow id is letters/],
  ])('rollout %j: its answer, and no SDK, driver or zod loaded', (args, code, stderr) => {
    const r = run(args);
    expect([r.code, r.stderr]).toEqual([code, expect.stringMatching(stderr)]);
    if (code === 0) expect(r.stdout).toMatch(/^Usage: rollout/);
    expect(r.loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
    // The hook itself ran: commander is always there.
    expect(r.loaded).toContain('commander');
  });

  test("a workflow id of the wrong length still gets zod's own words, from the CLI's one-file schemas", () => {
    const r = run(['progress', 'x'.repeat(201)]);
    expect(r.stderr).toMatch(/^rollout: workflow id "x{80}": Too big: expected string to have <=200 characters\n$/);
    expect(r.code).toBe(1);
    expect(r.loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  test('a command that runs loads what it needs, and no schema library when its input and environment hold', () => {
    const queue = unique('startup-tq');
    const r = run(['list'], { TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_TASK_QUEUE: queue });
    expect([r.code, r.stderr, r.stdout]).toEqual([
      0,
      '',
      `no rollouts (query: WorkflowType = 'rolloutWorkflow' AND TaskQueue = '${queue}')\n`,
    ]);
    expect(r.loaded).toContain('@temporalio/client');
    expect(r.loaded.filter((p) => ['zod', '@temporalio/workflow', '@temporalio/worker', 'pg'].includes(p))).toEqual([]);
  });

  test("an environment that breaks a rule is said in the schema's own words", () => {
    const empty = run(['list'], { ...NOWHERE, TEMPORAL_NAMESPACE: '' });
    expect([empty.code, empty.stderr]).toEqual([
      1,
      'rollout: TEMPORAL_NAMESPACE: Too small: expected string to have >=1 characters\n',
    ]);
    expect(empty.loaded).toContain('zod');
    const queue = run(['list'], { ...NOWHERE, TEMPORAL_TASK_QUEUE: '-x' });
    expect(queue.stderr).toBe('rollout: TEMPORAL_TASK_QUEUE: TEMPORAL_TASK_QUEUE is letters, digits and . _ -\n');
  });
});
