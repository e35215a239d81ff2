import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { ConninfoError, isSocket, isUri, namesATarget, resolvePgTarget } from './infra/libpq';
import { TargetName, describeIssues } from './shared/input';
import { taskQueueForTarget } from './shared/names';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

const Env = z.object({
  DATABASE_URL: z
    .string()
    .refine((v) => isUri(v) || v.includes('='), 'DATABASE_URL must be a postgres:// or postgresql:// URL, or key=value conninfo as psql takes it')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'TEMPORAL_ADDRESS must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).max(200).optional(),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'TEMPORAL_TASK_QUEUE is letters, digits and . _ -')
    .optional(),
  ROLLOUT_TARGET: TargetName.optional(),
  ROLLOUT_WEBHOOK_URL: z.string().regex(/^https?:\/\/\S+$/, 'ROLLOUT_WEBHOOK_URL must be an http(s) URL').optional(),
});

// The worker's own settings: its version (Worker Deployments) and where it serves metrics.
const WorkerEnv = z.object({
  ROLLOUT_BUILD_ID: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/, 'letters, digits and . _ + -').optional(),
  ROLLOUT_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/, 'letters, digits, _ and - (Temporal refuses a . in a deployment name)').optional(),
  ROLLOUT_METRICS_ADDRESS: z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464').optional(),
});

export interface Config {
  /** DATABASE_URL as given: a URI or key=value conninfo; the PG* variables fill in what it leaves out. */
  databaseUrl: string | undefined;
  /** The environment libpq would read (PG*, HOME), for resolving the database as psql does. */
  pgEnv: NodeJS.ProcessEnv;
  temporal: { connectionOptions: NativeConnectionOptions & { address: string }; namespace: string };
  /** TEMPORAL_TASK_QUEUE when set; otherwise each target has its own (taskQueueOf). */
  taskQueue: string | undefined;
  /** The target named explicitly; otherwise derived from DATABASE_URL by targetOf(). */
  target: string | undefined;
  /** Rollout events are POSTed here by the worker (besides its log line). */
  webhookUrl: string | undefined;
  /** ROLLOUT_BUILD_ID (default: from the workflow bundle), ROLLOUT_DEPLOYMENT_NAME (default: the task queue, its dots as _), ROLLOUT_METRICS_ADDRESS. */
  worker: { buildId: string | undefined; deploymentName: string | undefined; metricsAddress: string | undefined };
}

export class ConfigError extends Error {}

/**
 * The environment, validated. Temporal's own settings (profiles, TLS, API keys) come through
 * @temporalio/envconfig; only the defaults that make a bare machine work are ours.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const worker = WorkerEnv.safeParse(env);
  if (!worker.success) throw new ConfigError(describeIssues(worker.error));
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const temporal = loadClientConnectConfig({ overrideEnvVars: vars });
  const pgEnv = Object.fromEntries(Object.entries(vars).filter(([key]) => key.startsWith('PG') || key === 'HOME'));
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    pgEnv,
    temporal: {
      connectionOptions: { ...temporal.connectionOptions, address: temporal.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS },
      namespace: temporal.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    },
    taskQueue: parsed.data.TEMPORAL_TASK_QUEUE,
    target: parsed.data.ROLLOUT_TARGET,
    webhookUrl: parsed.data.ROLLOUT_WEBHOOK_URL,
    worker: { buildId: worker.data.ROLLOUT_BUILD_ID, deploymentName: worker.data.ROLLOUT_DEPLOYMENT_NAME, metricsAddress: worker.data.ROLLOUT_METRICS_ADDRESS },
  };
}

/**
 * The connection string for createPool: DATABASE_URL, or '' when the libpq environment alone
 * (PGHOST, PGDATABASE, PGSERVICE, ...) names the database, as an empty conninfo does for psql.
 */
export function requireDatabaseUrl(config: Config): string {
  if (config.databaseUrl) return config.databaseUrl;
  if (namesATarget(undefined, config.pgEnv)) return '';
  throw new ConfigError('no database: set DATABASE_URL (a URL or key=value conninfo) or the PG* variables psql reads (PGHOST, PGDATABASE, ...)');
}

/**
 * A name for the database without its credentials: the host, port and database libpq will actually
 * connect to (the connection string first, then the PG* variables, then the defaults), e.g.
 * `db.internal-5432-directus`; a Unix-domain socket is `localhost`.
 */
export function targetFromDatabaseUrl(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  let target;
  try {
    target = resolvePgTarget(databaseUrl, env);
  } catch (err) {
    throw new ConfigError(`the database connection (DATABASE_URL, PG* variables): ${err instanceof ConninfoError ? err.message : 'not a valid URL or conninfo'}`);
  }
  const host = isSocket(target) ? 'localhost' : target.host;
  const raw = `${host}-${target.port}-${target.database}`;
  const name = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63);
  return TargetName.parse(name);
}

/** The rollout's target: ROLLOUT_TARGET, or else derived from the database connection. */
export function targetOf(config: Config): string {
  if (config.target) return config.target;
  if (config.databaseUrl || namesATarget(undefined, config.pgEnv)) return targetFromDatabaseUrl(config.databaseUrl ?? '', config.pgEnv);
  throw new ConfigError('no target: set DATABASE_URL or the PG* variables (or ROLLOUT_TARGET) to name the database the rollout is for');
}

/**
 * The task queue of a target's rollouts: TEMPORAL_TASK_QUEUE, or one per target, so a rollout's activities
 * reach only workers connected to its database and two targets' workers share a namespace untroubled.
 */
export function taskQueueOf(config: Config): string {
  return config.taskQueue ?? taskQueueForTarget(targetOf(config));
}

/** The task queue when one is named or a target is known; undefined otherwise (list then shows every queue). */
export function knownTaskQueue(config: Config): string | undefined {
  try {
    return taskQueueOf(config);
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}
