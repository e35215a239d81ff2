// docker-compose.yml must agree with the defaults the code uses, so that `docker compose up -d`
// followed by the CLI with no TEMPORAL_ADDRESS (and the DATABASE_URL the file's header documents)
// reaches the stack. Nothing here needs Docker: the file is only parsed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaults as pgDefaults } from 'pg';
import { parse } from 'yaml';
import { DEFAULT_TEMPORAL_ADDRESS, loadConfig, targetFromDatabaseUrl } from '../src/config';

const COMPOSE_PATH = path.resolve(__dirname, '..', 'docker-compose.yml');
/** The Temporal UI has no default in src/config.ts; 8080 is temporalio/ui's own port and the documented one. */
const UI_PORT = 8080;
/** temporalio/ui listens on TEMPORAL_UI_PORT, 8080 when unset. */
const UI_IMAGE_DEFAULT_PORT = 8080;
/** `temporal server start-dev` listens on 7233 unless --port says otherwise. */
const DEV_SERVER_DEFAULT_PORT = 7233;

interface Service {
  image?: string;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number | string; published?: number | string; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
}
interface Compose {
  services?: Record<string, Service>;
  volumes?: Record<string, unknown>;
}
interface Published {
  hostIp: string | undefined;
  published: number | undefined;
  target: number;
}

function loadCompose(): { text: string; compose: Compose } {
  const text = readFileSync(COMPOSE_PATH, 'utf8');
  return { text, compose: parse(text) as Compose };
}

function hostPort(address: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(address);
  if (!match?.[1] || !match[2]) throw new Error(`not host:port: ${address}`);
  return { host: match[1], port: Number(match[2]) };
}

/** Short syntax `[HOST_IP:][HOST:]CONTAINER[/PROTOCOL]` (IPv6 host in brackets) or the long syntax. */
function parsePort(entry: NonNullable<Service['ports']>[number]): Published {
  if (typeof entry === 'object') {
    return {
      hostIp: entry.host_ip,
      published: entry.published === undefined ? undefined : Number(entry.published),
      target: Number(entry.target),
    };
  }
  const spec = String(entry).replace(/\/(tcp|udp|sctp)$/, '');
  const match = /^(?:(\[[^\]]+\]|[^:]+):)??(?:(\d+):)?(\d+)$/.exec(spec);
  if (!match?.[3]) throw new Error(`unsupported port mapping: ${String(entry)}`);
  return {
    hostIp: match[1]?.replace(/^\[|\]$/g, ''),
    published: match[2] === undefined ? undefined : Number(match[2]),
    target: Number(match[3]),
  };
}

function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** `${VAR:-default}` → default; a literal stays as it is. */
function defaultOf(value: string): string {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/.exec(value)?.[1] ?? value;
}

function argv(service: Service): string[] {
  const command = service.command ?? [];
  return Array.isArray(command) ? command.map(String) : command.split(/\s+/).filter(Boolean);
}

function flag(args: string[], name: string): string | undefined {
  const at = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const arg = args[at] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
}

const LOOPBACK_OR_ALL = new Set([undefined, '', '127.0.0.1', '0.0.0.0', '::', '::1']);

/** Where `localhost:<port>` on the host lands: the container port published there, or a problem. */
function publishedTo(name: string, service: Service | undefined, port: number, problems: string[]): number | undefined {
  if (!service) return undefined;
  const mappings = (service.ports ?? []).map(parsePort).filter((p) => p.published === port);
  if (mappings.length === 0) {
    problems.push(`${name}: no container port is published on host port ${port}`);
    return undefined;
  }
  for (const m of mappings) {
    if (!LOOPBACK_OR_ALL.has(m.hostIp)) problems.push(`${name}: host port ${port} is bound to ${m.hostIp}, not reachable as localhost`);
  }
  return mappings[0]?.target;
}

/** Every way docker-compose.yml disagrees with the code's defaults; empty when it agrees. */
function composeProblems(compose: Compose, header: string): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  for (const name of ['postgres', 'temporal', 'temporal-ui']) {
    if (!services[name]) problems.push(`service ${name} is missing`);
  }
  for (const [name, service] of Object.entries(services)) {
    const image = service.image ?? '';
    const tag = /^[^@]+:([^:/@]+)$/.exec(image)?.[1];
    if (!tag || tag === 'latest') problems.push(`${name}: image ${image || '(none)'} is not pinned to a tag`);
  }

  // PostgreSQL: published where a DATABASE_URL without a port (libpq's default) expects it.
  const postgres = services.postgres;
  const pgTarget = publishedTo('postgres', postgres, pgDefaults.port ?? 5432, problems);
  if (postgres) {
    if (pgTarget !== undefined && pgTarget !== 5432) problems.push(`postgres: host port maps to container port ${pgTarget}, postgres listens on 5432`);
    if (!postgres.image?.startsWith('postgres:16')) problems.push(`postgres: image ${postgres.image} is not postgres:16`);
    const env = environment(postgres);
    if (env.POSTGRES_DB !== 'directus') problems.push(`postgres: POSTGRES_DB is ${env.POSTGRES_DB}, not directus`);
    if (env.POSTGRES_USER !== 'workflow_admin') problems.push(`postgres: POSTGRES_USER is ${env.POSTGRES_USER}, not workflow_admin`);
    if (!/^\$\{POSTGRES_PASSWORD:?-.+\}$/.test(env.POSTGRES_PASSWORD ?? '')) {
      problems.push('postgres: POSTGRES_PASSWORD is not ${POSTGRES_PASSWORD:-<default>}');
    }
    const test = postgres.healthcheck?.test;
    if (!test || postgres.healthcheck?.disable || !String(test).includes('pg_isready')) problems.push('postgres: no pg_isready healthcheck');
    const named = (postgres.volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source))
      .filter((source): source is string => !!source && !source.startsWith('.') && !source.startsWith('/'));
    if (named.length === 0) problems.push('postgres: no named volume');
    for (const source of named) if (!(source in (compose.volumes ?? {}))) problems.push(`postgres: volume ${source} is not declared`);

    // The DATABASE_URL the header tells users to export must reach this service with its credentials.
    const documented = /DATABASE_URL=(postgres(?:ql)?:\/\/\S+)/.exec(header)?.[1];
    if (!documented) problems.push('header: no DATABASE_URL example');
    else {
      const url = new URL(documented);
      const port = Number(url.port || pgDefaults.port);
      if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') problems.push(`header: DATABASE_URL host is ${url.hostname}`);
      if (!(postgres.ports ?? []).map(parsePort).some((p) => p.published === port)) problems.push(`header: DATABASE_URL port ${port} is not published`);
      if (decodeURIComponent(url.username) !== env.POSTGRES_USER) problems.push(`header: DATABASE_URL user is ${url.username}`);
      if (decodeURIComponent(url.password) !== defaultOf(env.POSTGRES_PASSWORD ?? '')) problems.push('header: DATABASE_URL password is not the default');
      if (decodeURIComponent(url.pathname.slice(1)) !== env.POSTGRES_DB) problems.push(`header: DATABASE_URL database is ${url.pathname.slice(1)}`);
      try {
        loadConfig({ DATABASE_URL: documented });
        targetFromDatabaseUrl(documented);
      } catch (err) {
        problems.push(`header: src/config.ts rejects the DATABASE_URL: ${String(err)}`);
      }
    }
  }
  if (!header.includes('docker compose up -d')) problems.push('header: no `docker compose up -d`');

  // Temporal: DEFAULT_TEMPORAL_ADDRESS must land on the port the dev server listens on.
  const temporal = services.temporal;
  const defaultAddress = hostPort(DEFAULT_TEMPORAL_ADDRESS);
  const temporalTarget = publishedTo('temporal', temporal, defaultAddress.port, problems);
  let grpcPort: number | undefined;
  if (temporal) {
    const args = argv(temporal);
    if (args.includes('start-dev')) {
      grpcPort = Number(flag(args, '--port') ?? flag(args, '-p') ?? DEV_SERVER_DEFAULT_PORT);
      const ip = flag(args, '--ip');
      if (ip !== '0.0.0.0') problems.push(`temporal: start-dev listens on ${ip ?? 'localhost (the default)'}, not 0.0.0.0, so other containers and the host cannot reach it`);
    } else {
      grpcPort = Number(environment(temporal).FRONTEND_GRPC_PORT ?? DEV_SERVER_DEFAULT_PORT); // temporalio/auto-setup
    }
    if (temporalTarget !== undefined && temporalTarget !== grpcPort) {
      problems.push(`temporal: host port ${defaultAddress.port} maps to container port ${temporalTarget}, the server listens on ${grpcPort}`);
    }
  }

  // Temporal UI: on localhost:8080, talking to the temporal service on its gRPC port.
  const ui = services['temporal-ui'];
  const uiTarget = publishedTo('temporal-ui', ui, UI_PORT, problems);
  if (ui) {
    const env = environment(ui);
    const uiListens = Number(env.TEMPORAL_UI_PORT ?? UI_IMAGE_DEFAULT_PORT);
    if (uiTarget !== undefined && uiTarget !== uiListens) problems.push(`temporal-ui: host port ${UI_PORT} maps to ${uiTarget}, the UI listens on ${uiListens}`);
    const address = env.TEMPORAL_ADDRESS;
    if (!address) problems.push('temporal-ui: TEMPORAL_ADDRESS is not set');
    else {
      const { host, port } = hostPort(address);
      if (host !== 'temporal') problems.push(`temporal-ui: TEMPORAL_ADDRESS host is ${host}, not the temporal service`);
      if (grpcPort !== undefined && port !== grpcPort) problems.push(`temporal-ui: TEMPORAL_ADDRESS port is ${port}, the temporal service listens on ${grpcPort}`);
    }
  }
  return problems;
}

describe('docker-compose.yml', () => {
  const { text, compose } = loadCompose();
  const header = text.split('\n').filter((line) => line.startsWith('#')).join('\n');

  test('defines postgres, temporal and temporal-ui as the code expects them', () => {
    expect(Object.keys(compose.services ?? {}).sort()).toEqual(['postgres', 'temporal', 'temporal-ui']);
  });

  test('publishes PostgreSQL on 5432, Temporal on the port of DEFAULT_TEMPORAL_ADDRESS and the UI on 8080', () => {
    expect(DEFAULT_TEMPORAL_ADDRESS).toMatch(/^localhost:\d+$/);
    expect(composeProblems(compose, header)).toEqual([]);
  });

  // The checks above must be able to fail: the same checks on altered copies of the file.
  describe('the checks catch a drifted file', () => {
    function altered(edit: (c: Compose) => void): string[] {
      const copy = parse(text) as Compose;
      edit(copy);
      return composeProblems(copy, header);
    }
    const services = (c: Compose): Record<string, Service> => c.services ?? {};

    test('Temporal published on another host port', () => {
      const problems = altered((c) => {
        const t = services(c).temporal;
        if (t) t.ports = ['127.0.0.1:7234:7233'];
      });
      expect(problems).toContain(`temporal: no container port is published on host port ${hostPort(DEFAULT_TEMPORAL_ADDRESS).port}`);
    });

    test('Temporal listening on another port than the one published', () => {
      const problems = altered((c) => {
        const t = services(c).temporal;
        if (t) t.command = ['server', 'start-dev', '--ip', '0.0.0.0', '--port', '7000'];
      });
      expect(problems.some((p) => p.startsWith('temporal: host port'))).toBe(true);
      expect(problems.some((p) => p.startsWith('temporal-ui: TEMPORAL_ADDRESS port'))).toBe(true);
    });

    test('UI and PostgreSQL on other ports, UI pointed elsewhere', () => {
      const problems = altered((c) => {
        const s = services(c);
        if (s['temporal-ui']) s['temporal-ui'].ports = ['8081:8080'];
        if (s['temporal-ui']) s['temporal-ui'].environment = { TEMPORAL_ADDRESS: 'temporal:7234' };
        if (s.postgres) s.postgres.ports = [{ target: 5432, published: 5433 }];
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          'temporal-ui: no container port is published on host port 8080',
          'temporal-ui: TEMPORAL_ADDRESS port is 7234, the temporal service listens on 7233',
          'postgres: no container port is published on host port 5432',
        ]),
      );
    });

    test('an unpinned image', () => {
      const problems = altered((c) => {
        const ui = services(c)['temporal-ui'];
        if (ui) ui.image = 'temporalio/ui:latest';
      });
      expect(problems).toContain('temporal-ui: image temporalio/ui:latest is not pinned to a tag');
    });
  });
});
