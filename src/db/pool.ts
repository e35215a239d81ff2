import { Client, Pool, type PoolClient, type PoolConfig, type QueryResult, type QueryResultRow } from 'pg';
import { isSocket, passwordFromFile, resolvePgTarget, serverAcceptsSsl, tlsOptions, type PgTarget } from '../infra/libpq';
import type { SqlScript } from './sql';

export type { Pool, PoolClient };

/**
 * Server-side limits on every session, so nothing of a rollout outlives a frozen, partitioned or killed
 * worker by more than a minute: its open transaction (and the rollout lock with it) is ended by the
 * server, a lock is waited for in bounded tries that Temporal retries, and a dead peer is noticed by
 * TCP keepalives on both ends.
 */
export const SESSION_LIMITS = {
  idleInTransactionMs: 30_000,
  lockTimeoutMs: 10_000,
  statementTimeoutMs: 600_000,
  keepAliveIdleS: 10,
  keepAliveIntervalS: 5,
  keepAliveCount: 3,
} as const;

function sessionOptions(extra: string | undefined): string {
  const l = SESSION_LIMITS;
  const server = `-c tcp_keepalives_idle=${l.keepAliveIdleS} -c tcp_keepalives_interval=${l.keepAliveIntervalS} -c tcp_keepalives_count=${l.keepAliveCount}`;
  return extra ? `${server} ${extra}` : server;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * sslmode=prefer as libpq does it: SSL when the server offers it, plain text when it does not.
 * pg fails outright on a server without SSL, so each connection first asks the server.
 */
type ConnectCallback = ((err: Error) => void) | ((err: null, c: Client) => void);
class PreferSslClient extends Client {
  override connect(): Promise<Client>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<Client> | void {
    const ask = serverAcceptsSsl(this.host, this.port, CONNECT_TIMEOUT_MS).then((accepts) => {
      if (accepts === false) {
        // The Connection was made in the constructor with the TLS options; nothing is sent yet.
        (this as unknown as { connection: { ssl: unknown } }).connection.ssl = false;
        (this as unknown as { ssl: unknown }).ssl = false;
      }
    });
    if (!callback) return ask.then(() => super.connect());
    void ask.then(() => super.connect(callback));
  }
}

/** pg's options for a libpq target: where, as whom, the password when asked, TLS per sslmode. */
export function connectionConfig(target: PgTarget, env: NodeJS.ProcessEnv = process.env): PoolConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // Asked only when the server wants a password; pg's own ~/.pgpass lookup is deprecated.
    password: async () => {
      const password = target.password ?? (await passwordFromFile(target));
      if (password === undefined) {
        throw new Error(`no password supplied for ${target.user}: put it in ${target.passfile}, PGPASSWORD or the connection string`);
      }
      return password;
    },
    ssl: tlsOptions(target, env),
    application_name: target.applicationName ?? 'governed-rollout',
    ...(target.options ? { options: target.options } : {}),
    ...(target.connectTimeoutSeconds ? { connectionTimeoutMillis: target.connectTimeoutSeconds * 1000 } : {}),
    ...(target.sslmode === 'prefer' && !isSocket(target) ? { Client: PreferSslClient } : {}),
  };
}

/**
 * A pool on what psql would connect to with the same connection string (a postgres:// URI,
 * key=value conninfo, or '' for the PG* environment alone) and the same environment.
 */
export function createPool(connectionString: string, options: Partial<PoolConfig> = {}, env: NodeJS.ProcessEnv = process.env): Pool {
  const target = resolvePgTarget(connectionString, env);
  const config = connectionConfig(target, env);
  const pool = new Pool({
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: SESSION_LIMITS.idleInTransactionMs,
    lock_timeout: SESSION_LIMITS.lockTimeoutMs,
    statement_timeout: SESSION_LIMITS.statementTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: SESSION_LIMITS.keepAliveIdleS * 1000,
    ...config,
    ...options,
    // The server-side limits, then the user's PGOPTIONS, then the caller's (plan's read-only default):
    // a later -c wins.
    options: sessionOptions([config.options, options.options].filter(Boolean).join(' ') || undefined),
  });
  // An idle client dies when the server restarts; the pool replaces it. Without a listener
  // node would treat the error as unhandled and take the worker down.
  pool.on('error', () => undefined);
  targets.set(pool, target);
  return pool;
}

const targets = new WeakMap<Pool, PgTarget>();

/** What a pool connects to, as libpq resolved it: for another libpq client (psql) to connect there too. */
export function poolTarget(pool: Pool): PgTarget | undefined {
  return targets.get(pool);
}

export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // pg-pool listens for errors only on idle clients. A held client whose connection is cut (a server
  // restart, a terminated backend) would emit an unhandled 'error' and take the whole worker down;
  // the query in flight rejects all the same, and Temporal retries the activity.
  const ignore = () => undefined;
  client.on('error', ignore);
  let failure: unknown;
  try {
    return await fn(client);
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (failure instanceof Error) {
      // A client that failed mid-query may be broken: destroyed, keeping the listener for its last words.
      client.release(failure);
    } else {
      client.off('error', ignore);
      client.release();
    }
  }
}

/** One transaction; `readOnly` makes PostgreSQL itself refuse any write in it (the preflight's reads). */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query(options.readOnly ? 'begin transaction read only' : 'begin');
    try {
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  });
}

/** Runs every statement of a script with the same bound parameters; returns the last result. */
export async function runScript<R extends QueryResultRow = QueryResultRow>(
  client: PoolClient,
  script: SqlScript,
  params: readonly unknown[] = [],
): Promise<QueryResult<R>> {
  let last: QueryResult<R> | undefined;
  for (const statement of script.statements) {
    last = await client.query<R>(statement, params as unknown[]);
  }
  if (!last) throw new Error(`sql/${script.name} holds no statement`);
  return last;
}

/** rowCount of every statement of a script, in order, for scripts whose statements each write. */
export async function runScriptCounts(
  client: PoolClient,
  script: SqlScript,
  params: readonly unknown[] = [],
): Promise<number[]> {
  const counts: number[] = [];
  for (const statement of script.statements) {
    const result = await client.query(statement, params as unknown[]);
    counts.push(result.rowCount ?? 0);
  }
  return counts;
}

/** The rows of every statement of a script, in order, for scripts whose statements each report one thing. */
export async function runScriptRows<R extends QueryResultRow = QueryResultRow>(
  client: PoolClient,
  script: SqlScript,
  params: readonly unknown[] = [],
): Promise<R[]> {
  const rows: R[] = [];
  for (const statement of script.statements) rows.push(...(await client.query<R>(statement, params as unknown[])).rows);
  return rows;
}
