import type { Client } from '@temporalio/client';
import { connectClient } from '../client';
import { loadConfig, requireDatabaseUrl, type Config } from '../config';
import { createPool, type Pool } from '../db/pool';

export function config(): Config {
  return loadConfig(process.env);
}

export async function withTemporal<T>(fn: (client: Client, config: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const client = await connectClient(cfg);
  try {
    return await fn(client, cfg);
  } finally {
    await client.connection.close();
  }
}

export async function withDatabase<T>(fn: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const pool = createPool(requireDatabaseUrl(cfg), { max: 2 });
  try {
    return await fn(pool, cfg);
  } finally {
    await pool.end();
  }
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
