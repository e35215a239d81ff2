import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { freePort } from './ports';
import { devServerSearchAttributeArgs } from './searchAttributes';
import { spawnTemporalServer, type TemporalServerProcess } from './serverProcess';

export type DevServer = TemporalServerProcess;

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

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = temporalCliPath();
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  // The rollout's search attributes exist from the start, as on a prepared production namespace.
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (options.searchAttributes !== false) args.push(...devServerSearchAttributeArgs());
  // A step's activity is handed to the worker in the answer to the workflow task that scheduled it,
  // not through a poll: one round trip less per step (deploy/temporal/dynamicconfig.yaml, the same).
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  return spawnTemporalServer('temporal dev server', binary, args, address, { onLog: options.onLog });
}
