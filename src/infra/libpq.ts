// libpq's rules for where a connection goes and how, so that the worker and the CLI connect where
// psql connects with the same settings: a postgres:// URI or key=value conninfo, then the service
// file (PGSERVICE), then the PG* environment, then libpq's defaults; libpq's sslmode semantics;
// the password from the conninfo, PGPASSWORD or the password file.
// https://www.postgresql.org/docs/current/libpq-connect.html
import { createReadStream, existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { parse as parseUri } from 'pg-connection-string';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export class ConninfoError extends Error {}

/** Where and how to connect, every libpq rule applied. */
export interface PgTarget {
  /** A host name or address, or the directory of a Unix-domain socket. */
  host: string;
  port: number;
  user: string;
  database: string;
  /** From the conninfo, the service or PGPASSWORD; otherwise the password file is asked at connect time. */
  password: string | undefined;
  passfile: string;
  sslmode: SslMode;
  sslrootcert: string | undefined;
  sslcert: string | undefined;
  sslkey: string | undefined;
  applicationName: string | undefined;
  connectTimeoutSeconds: number | undefined;
  options: string | undefined;
}

// The conninfo keywords we honour, and the variable that supplies each when the conninfo does not.
const ENV_OF: Record<string, string> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  passfile: 'PGPASSFILE',
  service: 'PGSERVICE',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  application_name: 'PGAPPNAME',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  options: 'PGOPTIONS',
};
const KEYWORDS = new Set(Object.keys(ENV_OF));

export function isUri(conninfo: string): boolean {
  return /^postgres(ql)?:\/\//i.test(conninfo);
}

/** `key=value ...` with libpq's quoting: 'single quotes', and backslash escaping ' and \. */
export function parseKeywordValue(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && /[A-Za-z0-9_]/.test(text[i] ?? '')) i += 1;
    const key = text.slice(start, i);
    skipSpace();
    if (!key || text[i] !== '=')
      throw new ConninfoError(`conninfo: expected keyword=value at "${text.slice(start, start + 20)}"`);
    i += 1;
    skipSpace();
    let value = '';
    if (text[i] === "'") {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new ConninfoError(`conninfo: unterminated quoted value of ${key}`);
        const c = text[i] ?? '';
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1] ?? '';
          i += 2;
        } else if (c === "'") {
          i += 1;
          break;
        } else {
          value += c;
          i += 1;
        }
      }
    } else {
      while (i < text.length && !/\s/.test(text[i] ?? '')) {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        value += text[i] ?? '';
        i += 1;
      }
    }
    out[key] = value;
  }
  return out;
}

/** A URI (via pg-connection-string) or key=value conninfo, as keyword → value; empty values are unset. */
export function parseConninfo(conninfo: string): Record<string, string> {
  let raw: Record<string, unknown>;
  if (isUri(conninfo)) {
    // sslmode is ours to interpret (tlsOptions), not pg-connection-string's.
    const sslmode = /[?&]sslmode=([^&#]*)/.exec(conninfo)?.[1];
    const rest = conninfo.replace(/([?&])sslmode=[^&#]*&?/, '$1').replace(/[?&]$/, '');
    raw = { ...parseUri(rest, { useLibpqCompat: true }), ...(sslmode ? { sslmode: decodeURIComponent(sslmode) } : {}) };
    raw.dbname = raw.database;
  } else if (conninfo.trim() === '' || conninfo.includes('=')) {
    raw = parseKeywordValue(conninfo);
  } else {
    throw new ConninfoError('not a postgres:// or postgresql:// URI, nor key=value conninfo');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (KEYWORDS.has(key) && typeof value === 'string' && value !== '') out[key] = value;
    else if (KEYWORDS.has(key) && typeof value === 'number') out[key] = String(value);
  }
  if (!isUri(conninfo)) {
    const unknown = Object.keys(raw).find((key) => !KEYWORDS.has(key));
    if (unknown) throw new ConninfoError(`invalid connection option "${unknown}"`);
  }
  return out;
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? os.homedir();
}

/** pg_service.conf sections: [name] then key=value lines. */
function serviceSettings(name: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const files = [
    env.PGSERVICEFILE ?? path.join(home(env), '.pg_service.conf'),
    path.join(env.PGSYSCONFDIR ?? '/etc/postgresql-common', 'pg_service.conf'),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    let section: string | undefined;
    const found: Record<string, string> = {};
    let seen = false;
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1];
        continue;
      }
      if (section !== name) continue;
      seen = true;
      const at = line.indexOf('=');
      if (at < 0) throw new ConninfoError(`${file}: not key=value in service ${name}: ${line}`);
      found[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    if (seen) return found;
  }
  throw new ConninfoError(`definition of service "${name}" not found`);
}

function defaultSocketDir(): string {
  return existsSync('/var/run/postgresql') ? '/var/run/postgresql' : '/tmp';
}

/** Would libpq connect somewhere chosen by the user, rather than to every default? */
export function namesATarget(conninfo: string | undefined, env: NodeJS.ProcessEnv): boolean {
  if (conninfo !== undefined && conninfo.trim() !== '') return true;
  return ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGSERVICE'].some((key) => !!env[key]);
}

export function resolvePgTarget(conninfo: string, env: NodeJS.ProcessEnv = process.env): PgTarget {
  const given = parseConninfo(conninfo);
  const service = given.service ?? env.PGSERVICE;
  const fromService = service ? serviceSettings(service, env) : {};
  const get = (key: string): string | undefined =>
    given[key] ?? fromService[key] ?? (env[ENV_OF[key] ?? ''] || undefined);

  const host = get('host') ?? get('hostaddr') ?? defaultSocketDir();
  if (host.includes(',')) throw new ConninfoError('several hosts in one conninfo are not supported: name one');
  const portText = get('port') ?? '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConninfoError(`invalid port number: "${portText}"`);
  const user = get('user') ?? os.userInfo().username;
  const sslmode = (get('sslmode') ?? 'prefer') as SslMode;
  if (!SSL_MODES.includes(sslmode)) throw new ConninfoError(`invalid sslmode value: "${sslmode}"`);
  const timeout = get('connect_timeout');
  return {
    host,
    port,
    user,
    database: get('dbname') ?? user,
    password: get('password'),
    passfile: get('passfile') ?? path.join(home(env), '.pgpass'),
    sslmode,
    sslrootcert: get('sslrootcert'),
    sslcert: get('sslcert'),
    sslkey: get('sslkey'),
    applicationName: get('application_name'),
    connectTimeoutSeconds: timeout === undefined ? undefined : Number(timeout),
    options: get('options'),
  };
}

export function isSocket(target: Pick<PgTarget, 'host'>): boolean {
  return target.host.startsWith('/');
}

/**
 * The password file's entry for the target, as libpq reads it (a socket matches `localhost`);
 * ignored, with libpq's warning, when others can read it. Undefined when nothing matches.
 */
export async function passwordFromFile(target: PgTarget): Promise<string | undefined> {
  let stat;
  try {
    stat = statSync(target.passfile);
  } catch {
    return undefined;
  }
  // pgpass's own reader: its file checks, line format and matching. Not its entry point, which
  // reads PGPASSFILE from process.env rather than the target's passfile.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const helper = require('pgpass/lib/helper.js') as {
    usePgPass(stat: Stats, file: string): boolean;
    getPassword(connInfo: object, stream: NodeJS.ReadableStream, cb: (pass: string | undefined) => void): void;
  };
  if (!helper.usePgPass(stat, target.passfile)) return undefined;
  const connInfo = {
    host: isSocket(target) ? 'localhost' : target.host,
    port: target.port,
    database: target.database,
    user: target.user,
  };
  return new Promise((resolve) => helper.getPassword(connInfo, createReadStream(target.passfile), resolve));
}

function readIfExists(file: string | undefined): string | undefined {
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * node's TLS options for the target's sslmode, as libpq means it: `disable` and `allow` plain;
 * `prefer` and `require` encrypted without checking the certificate, unless a root certificate is
 * there (sslrootcert, or ~/.postgresql/root.crt), then checked as `verify-ca` does; `verify-ca` the
 * chain only; `verify-full` the chain and the host name. `prefer` falls back to plain text when the
 * server has no SSL: see preferSslProbe.
 */
export function tlsOptions(target: PgTarget, env: NodeJS.ProcessEnv = process.env): false | TlsOptions {
  if (target.sslmode === 'disable' || target.sslmode === 'allow' || isSocket(target)) return false;
  const dir = path.join(home(env), '.postgresql');
  const system = target.sslrootcert === 'system';
  const rootFile = system ? undefined : (target.sslrootcert ?? path.join(dir, 'root.crt'));
  const ca = readIfExists(rootFile);
  if (target.sslrootcert && !system && ca === undefined)
    throw new ConninfoError(`root certificate file "${target.sslrootcert}" does not exist`);
  const certFile = target.sslcert ?? path.join(dir, 'postgresql.crt');
  const keyFile = target.sslkey ?? path.join(dir, 'postgresql.key');
  const client: TlsOptions = {};
  const cert = readIfExists(certFile);
  if (cert !== undefined) {
    const key = readIfExists(keyFile);
    if (key === undefined) throw new ConninfoError(`certificate present, but not private key file "${keyFile}"`);
    Object.assign(client, { cert, key });
  }
  const chainOnly = { checkServerIdentity: () => undefined };
  switch (target.sslmode) {
    case 'prefer':
    case 'require':
      return ca === undefined ? { ...client, rejectUnauthorized: false } : { ...client, ca, ...chainOnly };
    case 'verify-ca':
    case 'verify-full':
      if (ca === undefined && !system) {
        throw new ConninfoError(
          `sslmode=${target.sslmode} needs a root certificate: set sslrootcert (or PGSSLROOTCERT), or put it in ` +
            path.join(dir, 'root.crt'),
        );
      }
      return { ...client, ...(ca === undefined ? {} : { ca }), ...(target.sslmode === 'verify-ca' ? chainOnly : {}) };
  }
}

/** The server did not answer the SSLRequest in time: the link is down or stalled, not merely without SSL. */
export class SslRequestUnanswered extends Error {}

/**
 * Does the server accept SSL? Asks it as libpq does with sslmode=prefer: an SSLRequest on a
 * connection of its own, answered with one byte, S or N. Undefined when the question itself fails
 * (the real connection then reports why); SslRequestUnanswered when nothing answers within the
 * bound, so a stalled link costs one connect bound, not two.
 */
export function serverAcceptsSsl(host: string, port: number, timeoutMs: number): Promise<boolean | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean | undefined) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new SslRequestUnanswered(`no answer from ${host}:${port} within ${timeoutMs / 1000} s`));
    });
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
    socket.once('connect', () => {
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(80877103, 4);
      socket.write(request);
    });
    socket.once('data', (data) => done(data[0] === 0x53 ? true : data[0] === 0x4e ? false : undefined));
  });
}
