// The Temporal server proper (not the dev server): PostgreSQL persistence and SQL visibility, set up
// and configured from deploy/temporal exactly as docker-compose.yml does it.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporalCliPath } from './temporalDevServer';
import { freePortsBelow } from './ports';
import { spawnTemporalServer, type TemporalServerProcess } from './serverProcess';
import { TEMPORAL_DEPLOY_DIR, loadTemporalSettings, type TemporalSettings } from './temporalSettings';

const run = promisify(execFile);

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  schemaDir: string;
}

/** scripts/temporal-server.sh: the server and temporal-sql-tool, cached or built once with go install. */
export function temporalServerBinaries(): TemporalServerBinaries {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'temporal-server.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [server = '', sqlTool = '', schemaDir = ''] = out.trim().split('\n');
  return { server, sqlTool, schemaDir };
}

export interface TemporalClusterOptions {
  /** The PostgreSQL that holds Temporal's two databases (created by the setup when missing). */
  postgres: { host: string; port: number; user: string; password: string };
  onLog?: (line: string) => void;
}

export interface TemporalCluster {
  address: string;
  settings: TemporalSettings;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period); its state stays in PostgreSQL. */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same ports and databases. */
  start(): Promise<void>;
  process(): TemporalServerProcess['process'] | undefined;
}

/** Sets up the schema, starts the server, registers the namespace and search attributes. */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const binaries = temporalServerBinaries();
  const settings = loadTemporalSettings();
  // grpc and membership ports of frontend, history, matching and worker, and the frontend's HTTP port.
  const ports = await freePortsBelow(9);
  const [frontend, frontendHttp, history, matching, worker, ...membership] = ports.map(String);
  const address = `127.0.0.1:${frontend}`;
  const { host, port, user, password } = options.postgres;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...settings.env,
    POSTGRES_SEEDS: host,
    DB_PORT: String(port),
    POSTGRES_USER: user,
    POSTGRES_PWD: password,
    BIND_ON_IP: '127.0.0.1',
    FRONTEND_GRPC_PORT: frontend,
    FRONTEND_HTTP_PORT: frontendHttp,
    HISTORY_GRPC_PORT: history,
    MATCHING_GRPC_PORT: matching,
    WORKER_GRPC_PORT: worker,
    FRONTEND_MEMBERSHIP_PORT: membership[0],
    HISTORY_MEMBERSHIP_PORT: membership[1],
    MATCHING_MEMBERSHIP_PORT: membership[2],
    WORKER_MEMBERSHIP_PORT: membership[3],
    DYNAMIC_CONFIG_FILE_PATH: path.join(TEMPORAL_DEPLOY_DIR, 'dynamicconfig.yaml'),
    LOG_LEVEL: 'error',
    TEMPORAL_SQL_TOOL: binaries.sqlTool,
    SCHEMA_DIR: binaries.schemaDir,
    TEMPORAL_CLI: temporalCliPath(),
    TEMPORAL_ADDRESS: address,
  };
  const setup = async (step: 'schema' | 'namespace') => {
    try {
      await run('sh', [path.join(TEMPORAL_DEPLOY_DIR, 'setup.sh'), step], { env });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`deploy/temporal/setup.sh ${step} failed: ${e.stderr?.trim() || e.message}`);
    }
  };
  await setup('schema');
  const args = [
    '--root',
    '/',
    '--config',
    path.join(TEMPORAL_DEPLOY_DIR, 'config'),
    '--env',
    'cluster',
    '--allow-no-auth',
    'start',
  ];
  let current: TemporalServerProcess | undefined;
  const start = async () => {
    current = await spawnTemporalServer('temporal server', binaries.server, args, address, {
      env,
      onLog: options.onLog,
    });
  };
  await start();
  const cluster: TemporalCluster = {
    address,
    settings,
    async stop() {
      await current?.stop();
    },
    start,
    process: () => current?.process,
  };
  try {
    await setup('namespace');
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
