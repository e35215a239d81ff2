import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type * as ConfigSchema from './configSchema';
import { ConninfoError, isSocket, isUri, namesATarget, resolvePgTarget } from './infra/libpq';
import type * as Input from './shared/input';
import { TARGET_NAME, holds, taskQueueForTarget, type TextRule } from './shared/names';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

// The environment's rules (every variable optional). configSchema.ts builds the zod schemas from them;
// loadConfig checks them itself first, so a command whose environment is right never loads zod.
export const ENV_RULES = {
  DATABASE_URL: {
    test: (v: string) => isUri(v) || v.includes('='),
    message: 'DATABASE_URL must be a postgres:// or postgresql:// URL, or key=value conninfo as psql takes it',
  },
  TEMPORAL_ADDRESS: { pattern: /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, message: 'TEMPORAL_ADDRESS must be host:port' },
  TEMPORAL_NAMESPACE: { min: 1, max: 200 },
  TEMPORAL_TASK_QUEUE: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/,
    message: 'TEMPORAL_TASK_QUEUE is letters, digits and . _ -',
  },
  ROLLOUT_TARGET: TARGET_NAME,
  ROLLOUT_WEBHOOK_URL: { pattern: /^https?:\/\/\S+$/, message: 'ROLLOUT_WEBHOOK_URL must be an http(s) URL' },
} satisfies Record<string, TextRule>;

// The worker's own settings: its version (Worker Deployments) and where it serves metrics.
export const WORKER_ENV_RULES = {
  ROLLOUT_BUILD_ID: { pattern: /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/, message: 'letters, digits and . _ + -' },
  ROLLOUT_DEPLOYMENT_NAME: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/,
    message: 'letters, digits, _ and - (Temporal refuses a . in a deployment name)',
  },
  ROLLOUT_METRICS_ADDRESS: {
    pattern: /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/,
    message: 'must be host:port, e.g. 0.0.0.0:9464',
  },
} satisfies Record<string, TextRule>;

type Checked<R> = { [K in keyof R]?: string };

/** The variables the rules name, each absent or holding its rule; a broken one is a ConfigError in zod's words. */
function checked<R extends Record<string, TextRule>>(env: NodeJS.ProcessEnv, rules: R): Checked<R> {
  const values = Object.fromEntries(Object.keys(rules).map((key) => [key, env[key]]));
  if (Object.entries(rules).every(([key, rule]) => values[key] === undefined || holds(rule, values[key])))
    return values as Checked<R>;
  // Only an environment that breaks a rule loads zod, to say what is wrong as the schema says it. A sync
  // require: loadConfig is synchronous everywhere it is called.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { envProblem } = require('./configSchema') as typeof ConfigSchema;
  const problem = envProblem(env, rules);
  if (problem) throw new ConfigError(problem);
  return values as Checked<R>;
}

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
  /**
   * ROLLOUT_BUILD_ID (default: from the workflow bundle), ROLLOUT_DEPLOYMENT_NAME (default: the task queue, its dots as
   * _), ROLLOUT_METRICS_ADDRESS. */
  worker: { buildId: string | undefined; deploymentName: string | undefined; metricsAddress: string | undefined };
}

export class ConfigError extends Error {}

/**
 * The environment, validated. Temporal's own settings (profiles, TLS, API keys) come through
 * @temporalio/envconfig; only the defaults that make a bare machine work are ours.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = checked(env, ENV_RULES);
  const worker = checked(env, WORKER_ENV_RULES);
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const temporal = loadClientConnectConfig({ overrideEnvVars: vars });
  const pgEnv = Object.fromEntries(Object.entries(vars).filter(([key]) => key.startsWith('PG') || key === 'HOME'));
  return {
    databaseUrl: given.DATABASE_URL,
    pgEnv,
    temporal: {
      connectionOptions: {
        ...temporal.connectionOptions,
        address: temporal.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS,
      },
      namespace: temporal.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    },
    taskQueue: given.TEMPORAL_TASK_QUEUE,
    target: given.ROLLOUT_TARGET,
    webhookUrl: given.ROLLOUT_WEBHOOK_URL,
    worker: {
      buildId: worker.ROLLOUT_BUILD_ID,
      deploymentName: worker.ROLLOUT_DEPLOYMENT_NAME,
      metricsAddress: worker.ROLLOUT_METRICS_ADDRESS,
    },
  };
}

/**
 * The connection string for createPool: DATABASE_URL, or '' when the libpq environment alone
 * (PGHOST, PGDATABASE, PGSERVICE, ...) names the database, as an empty conninfo does for psql.
 */
export function requireDatabaseUrl(config: Config): string {
  if (config.databaseUrl) return config.databaseUrl;
  if (namesATarget(undefined, config.pgEnv)) return '';
  throw new ConfigError(
    'no database: set DATABASE_URL (a URL or key=value conninfo) or the PG* variables psql reads (PGHOST, ' +
      'PGDATABASE, ...)',
  );
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
    throw new ConfigError(
      `the database connection (DATABASE_URL, PG* variables): ` +
        (err instanceof ConninfoError ? err.message : 'not a valid URL or conninfo'),
    );
  }
  const host = isSocket(target) ? 'localhost' : target.host;
  const raw = `${host}-${target.port}-${target.database}`;
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
  if (holds(TARGET_NAME, name)) return name;
  // Zod's own error for a name that breaks the rule (loaded only then; see `checked`).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./shared/input') as typeof Input).TargetName.parse(name);
}

/** The rollout's target: ROLLOUT_TARGET, or else derived from the database connection. */
export function targetOf(config: Config): string {
  if (config.target) return config.target;
  if (config.databaseUrl || namesATarget(undefined, config.pgEnv))
    return targetFromDatabaseUrl(config.databaseUrl ?? '', config.pgEnv);
  throw new ConfigError(
    'no target: set DATABASE_URL or the PG* variables (or ROLLOUT_TARGET) to name the database the rollout is for',
  );
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
