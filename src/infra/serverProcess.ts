import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';

/** A Temporal server in a child process: the dev server or the server proper. */
export interface TemporalServerProcess {
  address: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  process: ChildProcess;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
  /** How long to wait for the frontend to answer. */
  timeoutMs?: number;
}

async function waitUntilServing(name: string, address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${name} at ${address} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

/** Spawns a Temporal server and resolves once its frontend at `address` answers. */
export async function spawnTemporalServer(
  name: string,
  binary: string,
  args: string[],
  address: string,
  options: SpawnOptions = {},
): Promise<TemporalServerProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  const log = options.onLog;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => log?.(chunk.trimEnd()));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitUntilServing(name, address, child, options.timeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop, process: child };
}
