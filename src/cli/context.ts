import type { Client } from '@temporalio/client';
import { loadConfig, requireDatabaseUrl, type Config } from '../config';
import type { Pool } from '../db/pool';

export function config(): Config {
  return loadConfig(process.env);
}

// The Temporal client and the pg driver load when a command first talks to them: its input is checked by then.
export async function withTemporal<T>(fn: (client: Client, config: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const { connectClient } = await import('../client.js');
  const client = await connectClient(cfg);
  try {
    return await fn(client, cfg);
  } finally {
    await client.connection.close();
  }
}

export async function withDatabase<T>(fn: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const { createPool } = await import('../db/pool.js');
  const pool = createPool(requireDatabaseUrl(cfg), { max: 2 });
  try {
    return await fn(pool, cfg);
  } finally {
    await pool.end();
  }
}
