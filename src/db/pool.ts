import { Pool, type PoolClient, type PoolConfig, type QueryResult, type QueryResultRow } from 'pg';
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

export function createPool(connectionString: string, options: Partial<PoolConfig> = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: 10_000,
    application_name: 'governed-rollout',
    idle_in_transaction_session_timeout: SESSION_LIMITS.idleInTransactionMs,
    lock_timeout: SESSION_LIMITS.lockTimeoutMs,
    statement_timeout: SESSION_LIMITS.statementTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: SESSION_LIMITS.keepAliveIdleS * 1000,
    ...options,
    options: sessionOptions(options.options),
  });
  // An idle client dies when the server restarts; the pool replaces it. Without a listener
  // node would treat the error as unhandled and take the worker down.
  pool.on('error', () => undefined);
  return pool;
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

export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('begin');
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

/** rowCount summed over every statement of a script, for scripts whose statements each delete. */
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
