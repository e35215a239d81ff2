import { Pool, type ClientConfig, type PoolClient, type PoolConfig, type QueryResult, type QueryResultRow } from 'pg';
import { isSocket, passwordFromFile, resolvePgTarget, tlsOptions, type PgTarget } from '../infra/libpq';
import { TargetClient, type ClientHow } from './client';
import { DatabaseUnreachable, LIVENESS, Reachability, Stranded, WatchedClient, type WatchContext } from './liveness';
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
  const server =
    `-c tcp_keepalives_idle=${l.keepAliveIdleS} -c tcp_keepalives_interval=${l.keepAliveIntervalS} -c ` +
    `tcp_keepalives_count=${l.keepAliveCount}`;
  return extra ? `${server} ${extra}` : server;
}

const CONNECT_TIMEOUT_MS = 10_000;

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
        throw new Error(
          `no password supplied for ${target.user}: put it in ${target.passfile}, PGPASSWORD or the connection string`,
        );
      }
      return password;
    },
    ssl: tlsOptions(target, env),
    application_name: target.applicationName ?? 'governed-rollout',
    ...(target.options ? { options: target.options } : {}),
    ...(target.connectTimeoutSeconds ? { connectionTimeoutMillis: target.connectTimeoutSeconds * 1000 } : {}),
  };
}

/** Where a target is, for messages: host and port (or the socket directory), never credentials. */
function whereOf(target: PgTarget): string {
  return isSocket(target) ? target.host : `${target.host}:${target.port}`;
}

/**
 * The pool's client class: each of its clients watched (src/db/liveness.ts), each check made on a fresh
 * connection to the same place as the same user, bounded.
 */
function watchedClients(
  target: PgTarget,
  config: PoolConfig,
  connectTimeoutMs: number,
): { Client: PoolConfig['Client']; watch: WatchContext } {
  const how: ClientHow = { preferSsl: target.sslmode === 'prefer' && !isSocket(target), connectTimeoutMs };
  const probeConfig: ClientConfig = {
    ...config,
    application_name: 'governed-rollout probe',
    connectionTimeoutMillis: LIVENESS.probeBoundMs,
    statement_timeout: LIVENESS.probeBoundMs,
  };
  const probeHow: ClientHow = { ...how, connectTimeoutMs: LIVENESS.probeBoundMs };
  const watch: WatchContext = {
    reach: new Reachability(whereOf(target)),
    probeClients: () => new TargetClient(probeConfig, probeHow),
    stranded: new Stranded(),
    stalledAt: 0,
  };
  class PoolClientClass extends WatchedClient {
    constructor(c: ClientConfig) {
      super(c, how, watch);
    }
  }
  return { Client: PoolClientClass as unknown as PoolConfig['Client'], watch };
}

/**
 * A pool on what psql would connect to with the same connection string (a postgres:// URI,
 * key=value conninfo, or '' for the PG* environment alone) and the same environment.
 */
export function createPool(
  connectionString: string,
  options: Partial<PoolConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): Pool {
  const target = resolvePgTarget(connectionString, env);
  const config = connectionConfig(target, env);
  const connectTimeoutMs = options.connectionTimeoutMillis ?? config.connectionTimeoutMillis ?? CONNECT_TIMEOUT_MS;
  const { Client, watch } = watchedClients(target, config, connectTimeoutMs);
  const pool = new Pool({
    max: 4,
    connectionTimeoutMillis: connectTimeoutMs,
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
    Client,
    // A fresh connection that works first ends the sessions a stalled link stranded (see Stranded);
    // pg-pool awaits the promise before handing the connection out.
    onConnect: ((client: PoolClient) =>
      watch.stranded.size === 0
        ? undefined
        : watch.stranded
            .end((sql, params) => client.query(sql, params))
            .catch(() => undefined)) as PoolConfig['onConnect'],
  });
  // An idle client dies when the server restarts; the pool replaces it. Without a listener
  // node would treat the error as unhandled and take the worker down.
  pool.on('error', () => undefined);
  targets.set(pool, target);
  watches.set(pool, watch);
  return pool;
}

const targets = new WeakMap<Pool, PgTarget>();
const watches = new WeakMap<Pool, WatchContext>();

/** How a pool's sessions are watched: for another kind of session (psql) to be checked the same way. */
export function poolWatch(pool: Pool): WatchContext | undefined {
  return watches.get(pool);
}

// Failures of the way to the server, not of what it said (those carry a SQLSTATE) nor of our own setup.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** A connection that could not be had for want of a way to the server: the database is away, since when. */
function unreachable(pool: Pool, err: unknown): unknown {
  const watch = watches.get(pool);
  if (!watch || !(err instanceof Error)) return err;
  const text = `${err.message} ${String((err.cause as Error | undefined)?.message)}`;
  const timedOut = /timeout|no answer/i.test(text);
  const cut = NETWORK_CODES.has(String((err as { code?: unknown }).code)) || /Connection terminated/.test(text);
  if (!timedOut && !cut) return err;
  const since = watch.reach.since();
  const why = timedOut ? `no connection within ${(pool.options.connectionTimeoutMillis ?? 0) / 1000} s` : err.message;
  const message = `PostgreSQL is unreachable at ${watch.reach.where} since ${since}: ${why}`;
  return new DatabaseUnreachable(message, since, { cause: err });
}

/** What a pool connects to, as libpq resolved it: for another libpq client (psql) to connect there too. */
export function poolTarget(pool: Pool): PgTarget | undefined {
  return targets.get(pool);
}

/** A pooled connection, but none that sat idle through a stall another session found: those are dropped. */
async function checkout(pool: Pool): Promise<PoolClient> {
  for (;;) {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw unreachable(pool, err);
    }
    if (!(client instanceof WatchedClient && client.suspect())) return client;
    client.release(new Error('idle through a stall of its link'));
  }
}

export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await checkout(pool);
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
export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
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
