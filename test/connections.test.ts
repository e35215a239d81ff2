// The worker and the CLI connect where psql connects, as psql connects: DATABASE_URL as a URI or
// key=value conninfo, or the PG* environment alone; ~/.pgpass and pg_service.conf; libpq's sslmode
// semantics; against a PostgreSQL with SSL (a self-signed certificate made here) and one without.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, requireDatabaseUrl, targetOf } from '../src/config';
import { redact } from '../src/cli/errors';
import { createPool, poolTarget } from '../src/db/pool';
import { startOwnPostgres, type OwnPostgres } from './faults/support/ownPostgres';
import { rollout } from './support/cli';
import { temporalAddress } from './support/harness';
import { selfSignedCertificate } from './support/tls';

interface Session {
  db: string;
  user: string;
  ssl: boolean;
}

async function session(conninfo: string, env: NodeJS.ProcessEnv): Promise<Session> {
  const pool = createPool(conninfo, { max: 1, connectionTimeoutMillis: 5_000 }, env);
  try {
    const { rows } = await pool.query<Session>(
      `select current_database() as db, current_user as user,
              coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()), false) as ssl`,
    );
    const row = rows[0];
    if (!row) throw new Error('no row');
    return row;
  } finally {
    await pool.end();
  }
}

function passwordOf(pg: OwnPostgres): string {
  return decodeURIComponent(new URL(pg.url()).password);
}

describe('connections as psql makes them', () => {
  let dir: string;
  let home: string;
  let withSsl: OwnPostgres;
  let plain: OwnPostgres;
  let cert: string;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gr-conn-'));
    home = mkdtempSync(path.join(os.tmpdir(), 'gr-home-'));
    cert = path.join(dir, 'server.crt');
    const key = path.join(dir, 'server.key');
    // A self-signed certificate for the name localhost only (not 127.0.0.1), so verify-full can fail on the name.
    selfSignedCertificate(key, cert, '/CN=localhost', 'DNS:localhost');
    chmodSync(key, 0o600);
    [withSsl, plain] = await Promise.all([
      startOwnPostgres({
        prepare: (pgDir, own) => {
          for (const [from, to] of [
            [cert, 'server.crt'],
            [key, 'server.key'],
          ] as const) {
            const copy = path.join(pgDir, 'data', to); // relative settings are relative to the data directory
            execFileSync('cp', [from, copy]);
            chmodSync(copy, 0o600);
            own(copy);
          }
        },
        settings: { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' },
      }),
      startOwnPostgres(),
    ]);
    await withSsl.admin('create database directus');
    await plain.admin('create database directus');
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    withSsl?.destroy();
    plain?.destroy();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  afterEach(() => {
    // No deprecation or security warnings from pg or pg-connection-string, whatever the form.
    expect(warnings).toEqual([]);
  });

  const base = (): NodeJS.ProcessEnv => ({ HOME: home });
  const uri = (pg: OwnPostgres, query = '', host = '127.0.0.1') =>
    `postgresql://postgres:${encodeURIComponent(passwordOf(pg))}@${host}:${pg.port}/directus${query}`;

  describe('sslmode, as libpq means it', () => {
    test(
      "prefer (libpq's default) encrypts where the server has SSL and falls back to plain text where it has " + 'none',
      async () => {
        expect(await session(uri(withSsl, '?sslmode=prefer'), base())).toMatchObject({ ssl: true, db: 'directus' });
        expect(await session(uri(plain, '?sslmode=prefer'), base())).toMatchObject({ ssl: false, db: 'directus' });
        // No sslmode at all is prefer.
        expect(await session(uri(withSsl), base())).toMatchObject({ ssl: true });
        expect(await session(uri(plain), base())).toMatchObject({ ssl: false });
      },
    );

    test('require encrypts without verifying the certificate, and refuses a server without SSL', async () => {
      expect(await session(uri(withSsl, '?sslmode=require'), base())).toMatchObject({ ssl: true });
      await expect(session(uri(plain, '?sslmode=require'), base())).rejects.toThrow(/does not support SSL/);
    });

    test('verify-full checks the chain and the host name; verify-ca the chain only', async () => {
      const root = `&sslrootcert=${encodeURIComponent(cert)}`;
      expect(await session(uri(withSsl, `?sslmode=verify-full${root}`, 'localhost'), base())).toMatchObject({
        ssl: true,
      });
      await expect(session(uri(withSsl, `?sslmode=verify-full${root}`), base())).rejects.toThrow(
        /IP: 127\.0\.0\.1 is not in the cert's list/,
      );
      expect(await session(uri(withSsl, `?sslmode=verify-ca${root}`), base())).toMatchObject({ ssl: true });
      // Without a root certificate there is nothing to verify against: refused before connecting.
      await expect(session(uri(withSsl, '?sslmode=verify-full', 'localhost'), base())).rejects.toThrow(
        /needs a root certificate/,
      );
    });

    test('a root certificate in ~/.postgresql makes require verify the chain, as libpq does', async () => {
      const otherHome = mkdtempSync(path.join(os.tmpdir(), 'gr-home-'));
      try {
        execFileSync('mkdir', ['-p', path.join(otherHome, '.postgresql')]);
        const otherKey = path.join(otherHome, 'k.pem');
        const otherCert = path.join(otherHome, '.postgresql', 'root.crt');
        selfSignedCertificate(otherKey, otherCert, '/CN=someone-else');
        await expect(session(uri(withSsl, '?sslmode=require'), { HOME: otherHome })).rejects.toThrow(
          /self[- ]signed|unable to verify|certificate/,
        );
        execFileSync('cp', [cert, otherCert]);
        expect(await session(uri(withSsl, '?sslmode=require'), { HOME: otherHome })).toMatchObject({ ssl: true });
      } finally {
        rmSync(otherHome, { recursive: true, force: true });
      }
    });

    test('disable and PGSSLMODE', async () => {
      expect(await session(uri(withSsl, '?sslmode=disable'), base())).toMatchObject({ ssl: false });
      expect(await session(uri(withSsl), { ...base(), PGSSLMODE: 'disable' })).toMatchObject({ ssl: false });
      // The connection string wins over the environment.
      expect(await session(uri(withSsl, '?sslmode=require'), { ...base(), PGSSLMODE: 'disable' })).toMatchObject({
        ssl: true,
      });
    });
  });

  describe('where it connects', () => {
    const pgEnv = (pg: OwnPostgres): NodeJS.ProcessEnv => ({
      ...base(),
      PGHOST: '127.0.0.1',
      PGPORT: String(pg.port),
      PGUSER: 'postgres',
      PGDATABASE: 'directus',
      PGPASSWORD: passwordOf(pg),
    });

    test('the PG* environment alone: connects, and names the target after it', async () => {
      const env = pgEnv(plain);
      const config = loadConfig(env);
      expect(requireDatabaseUrl(config)).toBe('');
      expect(targetOf(config)).toBe(`127.0.0.1-${plain.port}-directus`);
      expect(await session(requireDatabaseUrl(config), env)).toMatchObject({
        db: 'directus',
        user: 'postgres',
        ssl: false,
      });
      // What another libpq client (psql for --seed-sql) is told to connect to: the resolved target.
      const pool = createPool('', {}, env);
      const target = poolTarget(pool);
      expect([target?.host, target?.port, target?.user, target?.database, target?.sslmode]).toEqual([
        '127.0.0.1',
        plain.port,
        'postgres',
        'directus',
        'prefer',
      ]);
      await pool.end();
    });

    test('nothing at all names no database', () => {
      expect(() => requireDatabaseUrl(loadConfig(base()))).toThrow(
        /no database: set DATABASE_URL .* or the PG\* variables/,
      );
      expect(() => targetOf(loadConfig(base()))).toThrow(/no target/);
    });

    test(
      'postgresql:///directus takes the host and port ' + 'from PGHOST and PGPORT, and so does the target ' + 'name',
      async () => {
        const env = { ...pgEnv(plain), PGDATABASE: 'postgres', DATABASE_URL: 'postgresql:///directus' };
        const config = loadConfig(env);
        expect(targetOf(config)).toBe(`127.0.0.1-${plain.port}-directus`);
        expect(await session(requireDatabaseUrl(config), env)).toMatchObject({ db: 'directus' });
      },
    );

    test('key=value conninfo, with quoting', async () => {
      const conninfo =
        `host=127.0.0.1 port=${withSsl.port} dbname = 'directus' user=postgres ` +
        `password='${passwordOf(withSsl)}' sslmode=require`;
      const config = loadConfig({ ...base(), DATABASE_URL: conninfo });
      expect(targetOf(config)).toBe(`127.0.0.1-${withSsl.port}-directus`);
      expect(await session(conninfo, base())).toMatchObject({ db: 'directus', ssl: true });
      expect(() => loadConfig({ DATABASE_URL: 'directus' })).toThrow(/key=value conninfo/);
      await expect(session('host=127.0.0.1 bogus=1', base())).rejects.toThrow(/invalid connection option "bogus"/);
      // A conninfo's password never leaves the CLI, quoted or not.
      expect(redact(`could not use ${conninfo}`)).not.toContain(passwordOf(withSsl));
      expect(redact("host=h password='a \\' b' user=u password = plain")).toBe(
        'host=h password=*** user=u password = ***',
      );
    });

    test(
      'the password from ~/.pgpass (PGPASSFILE) ' + 'without a warning, and not from a file others ' + 'can read',
      async () => {
        const passfile = path.join(home, 'pgpass');
        writeFileSync(passfile, `127.0.0.1:${plain.port}:*:postgres:${passwordOf(plain).replace(/:/g, '\\:')}\n`, {
          mode: 0o600,
        });
        const env = { ...pgEnv(plain), PGPASSWORD: undefined, PGPASSFILE: passfile };
        expect(await session('', env)).toMatchObject({ db: 'directus' });
        // Default location: $HOME/.pgpass.
        writeFileSync(path.join(home, '.pgpass'), `*:*:*:postgres:${passwordOf(plain)}\n`, { mode: 0o600 });
        expect(await session('', { ...env, PGPASSFILE: undefined })).toMatchObject({ db: 'directus' });
        rmSync(path.join(home, '.pgpass'));
        chmodSync(passfile, 0o644);
        const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
        try {
          await expect(session('', env)).rejects.toThrow(/no password supplied for postgres/);
          expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/has group or world access/);
        } finally {
          stderr.mockRestore();
        }
      },
    );

    test('a service from pg_service.conf (PGSERVICE, PGSERVICEFILE)', async () => {
      const file = path.join(home, 'services.conf');
      writeFileSync(file, `# test\n[rollout]\nhost=127.0.0.1\nport=${plain.port}\ndbname=directus\nuser=postgres\n`);
      const env = { ...base(), PGSERVICEFILE: file, PGSERVICE: 'rollout', PGPASSWORD: passwordOf(plain) };
      expect(targetOf(loadConfig(env))).toBe(`127.0.0.1-${plain.port}-directus`);
      expect(await session('', env)).toMatchObject({ db: 'directus' });
      // The connection string's own values win over the service's.
      expect(await session('dbname=postgres', env)).toMatchObject({ db: 'postgres' });
      await expect(session('service=nope', env)).rejects.toThrow(/definition of service "nope" not found/);
    });

    test('a Unix-domain socket directory as host; the target is named localhost', async () => {
      const env = { ...pgEnv(plain), PGHOST: plain.socketDir };
      expect(targetOf(loadConfig(env))).toBe(`localhost-${plain.port}-directus`);
      expect(await session('', env)).toMatchObject({ db: 'directus', ssl: false });
    });

    test('the CLI end to end with the PG* environment and a password file only: db init, then plan', async () => {
      const passfile = path.join(home, 'cli-pgpass');
      writeFileSync(passfile, `*:*:*:postgres:${passwordOf(plain)}\n`, { mode: 0o600 });
      await plain.admin('create database cli_target');
      const env = {
        PATH: process.env.PATH,
        HOME: home,
        PGHOST: '127.0.0.1',
        PGPORT: String(plain.port),
        PGUSER: 'postgres',
        PGDATABASE: 'cli_target',
        PGPASSFILE: passfile,
        TEMPORAL_ADDRESS: temporalAddress(),
      };
      const init = await rollout(['db', 'init'], env);
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      const plan = await rollout(['plan', '--apr', 'APR-BOOT-AUTHMODEL-1'], env);
      // NO-GO on the closed gate alone; no warning on stderr.
      expect(plan.code).toBe(2);
      expect(plan.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1-${plain.port}-cli_target`));
      expect(plan.stderr).toBe('');
    });
  });
});
