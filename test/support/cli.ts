import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from './db';
import { temporalAddress } from './harness';
import { unique } from './names';

export const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'rollout.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm test` builds dist/ first) as an operator would. */
export function rollout(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`rollout ${args.join(' ')} did not finish in ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`),
      );
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

export interface CliWorker {
  process: ChildProcess;
  output(): string;
  /** SIGINT, as an operator's Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startCliWorker(env: NodeJS.ProcessEnv, args: string[] = []): Promise<CliWorker> {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('worker for target')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  return {
    process: child,
    output: () => output,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** The environment an operator's shell would have: the database (if any), the test server, a fresh queue. */
export function envFor(db: TestDatabase | null, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(db ? { DATABASE_URL: db.url } : {}),
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: unique('cli-tq'),
    ...extra,
  };
}

/** Bad input's contract: one line on stderr, prefixed `rollout: `, and a non-zero exit. */
export function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^rollout: /);
  expect(lines[0]).toMatch(pattern);
}
