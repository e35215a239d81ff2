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

/**
 * A reader that closes the pipe early (`rollout progress ID --watch | head -1`) has what it wanted:
 * the command ends there, quietly, instead of dying on EPIPE with a stack trace. Any other failure to
 * write stdout is one line on stderr, like every other error. A command with work in flight (the
 * worker) replaces `outputClosed` to stop gracefully instead.
 */
export const outputClosed = {
  handle: (code: string | undefined): void => {
    if (code !== 'EPIPE') process.stderr.write(`rollout: cannot write the output (${code ?? 'unknown error'})\n`);
    process.exit(code === 'EPIPE' ? 0 : 1);
  },
};

export function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => outputClosed.handle(err.code));
}
