// CLI start, against baselines timed in the same run: each command and its baseline are spawned in
// turn (A B A B ...), so a machine that speeds up or slows down moves both; ratios are taken pair by pair.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, round } from './stats';

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'bin', 'rollout.js');
const BARE = path.join(__dirname, 'bare');
const RULESET = path.join(REPO, 'examples', 'ruleset.clone.json');
const SNAP = 'SNAP-20261124T101500Z-1a2b3c4d';

export interface CliFigure {
  command: string;
  baseline: string;
  /** Wall ms of each run, in the order they ran. */
  commandMs: number[];
  baselineMs: number[];
  /** The median of the pairwise ratios, and the ratio of the two bests. */
  medianRatio: number;
  bestRatio: number;
}

interface Run {
  argv: string[];
  /** What a good run ends with: its exit code and a line its output must hold. */
  code: number;
  says: RegExp;
}

interface Pair {
  command: string;
  baseline: string;
  a: Run;
  b: Run;
}

function timed(run: Run, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, run.argv, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - t;
      if (code === run.code && run.says.test(out)) resolve(ms);
      else reject(new Error(`node ${run.argv.join(' ')} exited ${code} with: ${out.slice(0, 500)}`));
    });
  });
}

const nodeE0: Run = { argv: ['-e', '0'], code: 0, says: /^$/ };
const rollout = (args: string[], code: number, says: RegExp): Run => ({ argv: [BIN, ...args], code, says });

/** Input files of the wrong shape: each is refused by its schema, in zod's words. */
function wrongShapes(): { ruleset: string; expected: string; rehearsal: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  const file = (name: string, json: unknown) => {
    writeFileSync(path.join(dir, name), JSON.stringify(json));
    return path.join(dir, name);
  };
  return {
    ruleset: file('ruleset.wrong-shape.json', { code: 'RS-X', version: '1', domains: ['GD01'] }),
    expected: file('expected.wrong-shape.json', { gap: -1 }),
    rehearsal: file('rehearsal.wrong-shape.json', { body: {} }),
  };
}

/** An argument as the table shows it: a file by its name in the repository or its own, a long value by its length. */
function shown(arg: string): string {
  if (path.isAbsolute(arg)) return arg.startsWith(REPO) ? path.relative(REPO, arg) : path.basename(arg);
  if (arg === '') return "''";
  return arg.length > 40 ? `${arg.slice(0, 3)}…(${arg.length} characters)` : arg;
}

/** Help and usage errors against `node -e 0`: what the CLI costs before it does anything. */
export function startPairs(): Pair[] {
  const vsNode = (args: string[], code: number, says: RegExp): Pair => ({
    command: `rollout ${args.map(shown).join(' ')}`,
    baseline: 'node -e 0',
    a: rollout(args, code, says),
    b: nodeE0,
  });
  const bad = wrongShapes();
  const apr = ['start', '--apr', 'APR-BOOT-AUTHMODEL-1'];
  const scan = [...apr, '--scan'];
  return [
    vsNode(['--help'], 0, /^Usage: rollout/),
    vsNode(['progress', '--help'], 0, /^Usage: rollout progress/),
    vsNode(['start'], 1, /required option '--apr <code>'/),
    vsNode(['frobnicate'], 1, /unknown command 'frobnicate'/),
    vsNode(['progress', 'bad id'], 1, /a workflow id is letters/),
    vsNode(['list', '--limit', '0'], 1, /--limit "0"/),
    vsNode(['start', '--apr', 'apr-boot-1'], 1, /an APR code looks like/),
    // Usage errors the schemas find: in a flag, a workflow id's length, or a file's shape.
    vsNode(['plan', '--apr', 'apr-boot-1'], 1, /an APR code looks like/),
    vsNode([...scan, '--ruleset', RULESET, '--snapshot-ref', 'latest'], 1, /a snapshot ref looks like/),
    vsNode([...scan, '--ruleset', bad.ruleset, '--snapshot-ref', SNAP], 1, /ruleset file .*: version: /),
    vsNode([...apr, '--expected', bad.expected], 1, /expected-numbers file .*: gap: /),
    vsNode([...apr, '--rehearsal', bad.rehearsal], 1, /rehearsal evidence file .*: fieldDigests: /),
    vsNode([...apr, '--gate-timeout', '500ms'], 1, /gateTimeoutMs: Too small/),
    vsNode(['gate-open', 'rollout-bench', '--by', ''], 1, /by: Too small/),
    vsNode(['progress', 'x'.repeat(201)], 1, /Too big: expected string to have <=200 characters/),
  ];
}

/** `rollout progress ID` and `rollout list` with a worker up, against a script that asks Temporal the same. */
export function workerPairs(address: string, workflowId: string, taskQueue: string): Pair[] {
  const query = `WorkflowType = 'rolloutWorkflow' AND TaskQueue = '${taskQueue}'`;
  const listed = new RegExp(workflowId.replace(/[.]/g, '\\.'));
  return [
    {
      command: 'rollout progress ID',
      baseline: 'client + connect + progress query',
      a: rollout(['progress', workflowId], 0, /WAITING_FOR_GATE/),
      b: { argv: [path.join(BARE, 'progress.js'), address, workflowId], code: 0, says: /WAITING_FOR_GATE/ },
    },
    {
      command: 'rollout list',
      baseline: 'client + connect + list',
      a: rollout(['list'], 0, listed),
      b: { argv: [path.join(BARE, 'list.js'), address, query], code: 0, says: listed },
    },
  ];
}

export async function timePairs(pairs: Pair[], env: NodeJS.ProcessEnv, rounds: number): Promise<CliFigure[]> {
  const figures: CliFigure[] = [];
  for (const pair of pairs) {
    // One unmeasured pair warms the file cache.
    await timed(pair.a, env);
    await timed(pair.b, env);
    const commandMs: number[] = [];
    const baselineMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      commandMs.push(await timed(pair.a, env));
      baselineMs.push(await timed(pair.b, env));
    }
    figures.push({
      command: pair.command,
      baseline: pair.baseline,
      commandMs,
      baselineMs,
      medianRatio: median(commandMs.map((ms, i) => ms / (baselineMs[i] ?? NaN))),
      bestRatio: Math.min(...commandMs) / Math.min(...baselineMs),
    });
  }
  return figures;
}

export function cliTable(figures: CliFigure[]): string {
  return [
    '| command | baseline | median ms | baseline median ms | ratio (median) | ratio (best) |',
    '|---|---|---|---|---|---|',
    ...figures.map((f) => {
      const cells = [`\`${f.command}\``, f.baseline, round(median(f.commandMs), 0), round(median(f.baselineMs), 0)];
      return `| ${[...cells, round(f.medianRatio, 2), round(f.bestRatio, 2)].join(' | ')} |`;
    }),
  ].join('\n');
}
