import { Pool, type PoolClient, type PoolConfig, type QueryResult, type QueryResultRow } from 'pg';
import type { SqlScript } from './sql';

export type { Pool, PoolClient };

export function createPool(connectionString: string, options: Partial<PoolConfig> = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: 10_000,
    application_name: 'governed-rollout',
    ...options,
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
