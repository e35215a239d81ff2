import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from './ports';
import { devServerSearchAttributeArgs } from './searchAttributes';

export interface DevServer {
  address: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  process: ChildProcess;
}

export interface DevServerOptions {
  /** A SQLite file keeps the server's state across restarts; without it the state is in memory. */
  dbFile?: string;
  port?: number;
  /** Serve the Temporal UI on this port; headless when omitted. */
  uiPort?: number;
  onLog?: (line: string) => void;
  /** Register the rollout's search attributes at start (default); false gives a bare server. */
  searchAttributes?: boolean;
}

/** The `temporal` binary from scripts/temporal-cli.sh: $TEMPORAL_CLI_PATH, PATH, the cache, or a Go build. */
export function temporalCliPath(): string {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'temporal-cli.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
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
  throw new Error(`temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = temporalCliPath();
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  // The rollout's search attributes exist from the start, as on a prepared production namespace.
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (options.searchAttributes !== false) args.push(...devServerSearchAttributeArgs());
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
    await waitUntilServing(address, child, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop, process: child };
}
