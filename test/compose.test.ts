// docker-compose.yml must agree with the code's defaults and with the Temporal server that
// `npm run test:cluster` proves: the same release (scripts/temporal-server.sh), the same config
// template, dynamic config, setup script and settings (deploy/temporal), so that `docker compose up -d`
// followed by the CLI with the header's DATABASE_URL and no TEMPORAL_ADDRESS reaches the stack and
// its worker. Nothing here needs Docker: the file is only parsed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaults as pgDefaults } from 'pg';
import { parse } from 'yaml';
import { DEFAULT_TEMPORAL_ADDRESS, DEFAULT_TEMPORAL_NAMESPACE, loadConfig, targetFromDatabaseUrl } from '../src/config';
import { TEMPORAL_DEPLOY_DIR, loadTemporalSettings, type TemporalSettings } from '../src/infra/temporalSettings';
import { ROLLOUT_SEARCH_ATTRIBUTES } from '../src/shared';

const REPO = path.resolve(__dirname, '..');
const COMPOSE_PATH = path.join(REPO, 'docker-compose.yml');
/** The Temporal UI has no default in src/config.ts; 8080 is temporalio/ui's own port and the documented one. */
const UI_PORT = 8080;
/** temporalio/ui listens on TEMPORAL_UI_PORT, 8080 when unset. */
const UI_IMAGE_DEFAULT_PORT = 8080;
/** deploy/temporal/config/cluster.yaml: the frontend listens on FRONTEND_GRPC_PORT, 7233 when unset. */
const TEMPLATE_DEFAULT_GRPC_PORT = 7233;
/** Where the services mount deploy/temporal. */
const MOUNT = '/etc/governed-rollout/temporal';
/** The release the test tier builds and runs. */
const TEMPORAL_RELEASE = /^version="v([\d.]+)"/m.exec(
  readFileSync(path.join(REPO, 'scripts', 'temporal-server.sh'), 'utf8'),
)?.[1];

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  env_file?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number | string; published?: number | string; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
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
  return { text, compose: parse(text, { merge: true }) as Compose };
}

function hostPort(address: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(address);
  if (!match?.[1] || !match[2]) throw new Error(`not host:port: ${address}`);
  return { host: match[1], port: Number(match[2]) };
}

/** `${VAR:-default}` (nested too) → default, as compose resolves it with VAR unset. */
function defaultOf(value: string): string {
  let out = value;
  for (let last = ''; last !== out;) {
    last = out;
    out = out.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^${}]*)\}/g, '$1');
  }
  return out;
}

/** Short syntax `[HOST_IP:][HOST:]CONTAINER[/PROTOCOL]` (IPv6 host in brackets) or the long syntax. */
function parsePort(entry: NonNullable<Service['ports']>[number]): Published {
  if (typeof entry === 'object') {
    return {
      hostIp: entry.host_ip,
      published: entry.published === undefined ? undefined : Number(defaultOf(String(entry.published))),
      target: Number(entry.target),
    };
  }
  const spec = defaultOf(String(entry)).replace(/\/(tcp|udp|sctp)$/, '');
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

function argv(value: string | string[] | undefined): string[] {
  const command = value ?? [];
  return Array.isArray(command) ? command.map(String) : command.split(/\s+/).filter(Boolean);
}

function flag(args: string[], name: string): string | undefined {
  const at = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const arg = args[at] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
}

/** The host directory a service mounts at `target`, relative to the repository. */
function mountedFrom(service: Service, target: string): string | undefined {
  for (const v of service.volumes ?? []) {
    const [source, at] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
    if (at === target && source) return path.relative(REPO, path.resolve(REPO, source));
  }
  return undefined;
}

function dependsOn(service: Service, name: string): string | undefined {
  const deps = service.depends_on;
  if (!deps) return undefined;
  if (Array.isArray(deps)) return deps.includes(name) ? 'service_started' : undefined;
  return deps[name] ? (deps[name].condition ?? 'service_started') : undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

/** Where `localhost:<port>` on the host lands: the container port published there, or a problem. */
function publishedTo(name: string, service: Service | undefined, port: number, problems: string[]): number | undefined {
  if (!service) return undefined;
  const mappings = (service.ports ?? []).map(parsePort).filter((p) => p.published === port);
  if (mappings.length === 0) {
    problems.push(`${name}: no container port is published on host port ${port}`);
    return undefined;
  }
  // Throwaway passwords: published on the loopback interface only.
  for (const m of mappings)
    if (!m.hostIp || !LOOPBACK.has(m.hostIp))
      problems.push(`${name}: host port ${port} is bound to ${m.hostIp ?? 'every interface'}, not 127.0.0.1`);
  return mappings[0]?.target;
}

function hasHealthcheck(service: Service): boolean {
  return !!service.healthcheck?.test && !service.healthcheck.disable;
}

/** Temporal's own compose files: where a tag that exists and was tried with this release comes from. */
const UPSTREAM_COMPOSE = ['temporalio/docker-compose', 'temporalio/samples-server'];
const SOURCE_REPO = /^\s*# image source: (\S+)@(\S+)\s*$/;
const SOURCE_LINE = /^\s*#\s+(\S+) \(([^)]+)\), (\S+) ([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/;

/**
 * Every image pulled (not built here) is pinned to the tag an upstream compose file uses, and says so
 * in the two comment lines right above its `image:` line:
 *   # image source: OWNER/REPO@COMMIT
 *   #   FILE (IMAGE), ENV_FILE VARIABLE=TAG
 */
function imageSourceProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  const built = new Set<string>();
  const images: { service: string; image: string; at: number }[] = [];
  let service = '';
  lines.forEach((line, at) => {
    service = /^ {2}([\w.-]+):\s*$/.exec(line)?.[1] ?? service;
    if (/^ {4}build:/.test(line)) built.add(service);
    const image = /^ {4}image:\s*(\S+)\s*$/.exec(line)?.[1];
    if (image) images.push({ service, image, at });
  });
  for (const { service: name, image, at } of images) {
    if (built.has(name)) continue;
    const repoLine = SOURCE_REPO.exec(lines[at - 2] ?? '');
    const fileLine = SOURCE_LINE.exec(lines[at - 1] ?? '');
    if (!repoLine?.[1] || !repoLine[2] || !fileLine) {
      problems.push(
        `${name}: image ${image} has no recorded source (the two comment lines above it, as the header says)`,
      );
      continue;
    }
    const [, repo, commit] = repoLine;
    const [, , named, , variable, value] = fileLine;
    const [imageName, tag] = image.split(':');
    if (!UPSTREAM_COMPOSE.includes(repo))
      problems.push(`${name}: source ${repo} is not one of Temporal's compose repositories`);
    if (!/^[0-9a-f]{40}$/.test(commit)) problems.push(`${name}: source commit ${commit} is not a full commit id`);
    if (named !== imageName) problems.push(`${name}: the source names image ${named}, the service pulls ${imageName}`);
    if (tag !== value) problems.push(`${name}: tag ${tag} is not the recorded ${variable}=${value}`);
  }
  return problems;
}

/** Every way docker-compose.yml disagrees with the code's defaults and with deploy/temporal; empty when it agrees. */
function composeProblems(compose: Compose, header: string, settings: TemporalSettings): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  for (const name of [
    'postgres',
    'temporal-postgresql',
    'temporal-schema',
    'temporal',
    'temporal-setup',
    'temporal-ui',
    'worker',
  ]) {
    if (!services[name]) problems.push(`service ${name} is missing`);
  }
  for (const [name, service] of Object.entries(services)) {
    if (service.build) continue;
    const image = service.image ?? '';
    const tag = /^[^@]+:([^:/@]+)$/.exec(image)?.[1];
    if (!tag || tag === 'latest') problems.push(`${name}: image ${image || '(none)'} is not pinned to a tag`);
    if (image.startsWith('temporalio/auto-setup'))
      problems.push(`${name}: temporalio/auto-setup is deprecated; use temporalio/server and admin-tools`);
    if (argv(service.command).includes('start-dev'))
      problems.push(`${name}: runs the dev server, not the server proper`);
  }

  // PostgreSQL: published where a DATABASE_URL without a port (libpq's default) expects it.
  const postgres = services.postgres;
  const pgTarget = publishedTo('postgres', postgres, pgDefaults.port ?? 5432, problems);
  let documented: string | undefined;
  if (postgres) {
    if (pgTarget !== undefined && pgTarget !== 5432)
      problems.push(`postgres: host port maps to container port ${pgTarget}, postgres listens on 5432`);
    if (!postgres.image?.startsWith('postgres:16'))
      problems.push(`postgres: image ${postgres.image} is not postgres:16`);
    const env = environment(postgres);
    if (env.POSTGRES_DB !== 'directus') problems.push(`postgres: POSTGRES_DB is ${env.POSTGRES_DB}, not directus`);
    if (env.POSTGRES_USER !== 'workflow_admin')
      problems.push(`postgres: POSTGRES_USER is ${env.POSTGRES_USER}, not workflow_admin`);
    if (!/^\$\{POSTGRES_PASSWORD:?-.+\}$/.test(env.POSTGRES_PASSWORD ?? '')) {
      problems.push('postgres: POSTGRES_PASSWORD is not ${POSTGRES_PASSWORD:-<default>}');
    }
    const named = (postgres.volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source))
      .filter((source): source is string => !!source && !source.startsWith('.') && !source.startsWith('/'));
    if (named.length === 0) problems.push('postgres: no named volume');
    for (const source of named)
      if (!(source in (compose.volumes ?? {}))) problems.push(`postgres: volume ${source} is not declared`);

    // The DATABASE_URL the header tells users to export must reach this service with its credentials.
    documented = /DATABASE_URL=(postgres(?:ql)?:\/\/\S+)/.exec(header)?.[1];
    if (!documented) problems.push('header: no DATABASE_URL example');
    else {
      const url = new URL(documented);
      const port = Number(url.port || pgDefaults.port);
      if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1')
        problems.push(`header: DATABASE_URL host is ${url.hostname}`);
      if (!(postgres.ports ?? []).map(parsePort).some((p) => p.published === port))
        problems.push(`header: DATABASE_URL port ${port} is not published`);
      if (decodeURIComponent(url.username) !== env.POSTGRES_USER)
        problems.push(`header: DATABASE_URL user is ${url.username}`);
      if (decodeURIComponent(url.password) !== defaultOf(env.POSTGRES_PASSWORD ?? ''))
        problems.push('header: DATABASE_URL password is not the default');
      if (decodeURIComponent(url.pathname.slice(1)) !== env.POSTGRES_DB)
        problems.push(`header: DATABASE_URL database is ${url.pathname.slice(1)}`);
      try {
        loadConfig({ DATABASE_URL: documented });
      } catch (err) {
        problems.push(`header: src/config.ts rejects the DATABASE_URL: ${String(err)}`);
      }
    }
  }
  if (!header.includes('docker compose up -d')) problems.push('header: no `docker compose up -d`');
  for (const name of ['postgres', 'temporal-postgresql', 'temporal', 'temporal-ui']) {
    const service = services[name];
    if (service && !hasHealthcheck(service)) problems.push(`${name}: no healthcheck`);
  }

  // Temporal's schema and namespace: admin-tools one-shots running deploy/temporal/setup.sh.
  for (const [name, step, after, condition] of [
    ['temporal-schema', 'schema', 'temporal-postgresql', 'service_healthy'],
    ['temporal-setup', 'namespace', 'temporal', 'service_healthy'],
  ] as const) {
    const service = services[name];
    if (!service) continue;
    // Temporal's compose tags admin-tools by the release and the tools it bundles (1.29.1-tctl-1.18.4-cli-1.5.0).
    const adminTools = `temporalio/admin-tools:${TEMPORAL_RELEASE}`;
    if (service.image !== adminTools && !service.image?.startsWith(`${adminTools}-`)) {
      problems.push(`${name}: image ${service.image} is not temporalio/admin-tools of release ${TEMPORAL_RELEASE}`);
    }
    if (mountedFrom(service, MOUNT) !== 'deploy/temporal')
      problems.push(`${name}: deploy/temporal is not mounted at ${MOUNT}`);
    const args = argv(service.entrypoint);
    if (args.join(' ') !== `sh ${MOUNT}/setup.sh ${step}`) problems.push(`${name}: does not run setup.sh ${step}`);
    if (dependsOn(service, after) !== condition) problems.push(`${name}: does not wait for ${after} (${condition})`);
  }

  // The Temporal server proper: the release, config and settings of deploy/temporal.
  const temporal = services.temporal;
  const defaultAddress = hostPort(DEFAULT_TEMPORAL_ADDRESS);
  const temporalTarget = publishedTo('temporal', temporal, defaultAddress.port, problems);
  let grpcPort: number | undefined;
  if (temporal) {
    if (temporal.image !== `temporalio/server:${TEMPORAL_RELEASE}`)
      problems.push(`temporal: image ${temporal.image} is not temporalio/server:${TEMPORAL_RELEASE}`);
    const env = environment(temporal);
    grpcPort = Number(env.FRONTEND_GRPC_PORT ?? TEMPLATE_DEFAULT_GRPC_PORT);
    if (env.BIND_ON_IP !== '0.0.0.0')
      problems.push(
        `temporal: BIND_ON_IP is ${env.BIND_ON_IP ?? '127.0.0.1 (the default)'}, so other containers and the host ` +
          `cannot reach it`,
      );
    if (temporalTarget !== undefined && temporalTarget !== grpcPort) {
      problems.push(
        `temporal: host port ${defaultAddress.port} maps to container port ${temporalTarget}, the server listens on ` +
          `${grpcPort}`,
      );
    }
    if (mountedFrom(temporal, MOUNT) !== 'deploy/temporal')
      problems.push(`temporal: deploy/temporal is not mounted at ${MOUNT}`);
    const command = argv(temporal.entrypoint).join(' ');
    const serverArgs = argv(/exec (temporal-server .*)$/.exec(command)?.[1]);
    if (
      flag(serverArgs, '--root') !== '/' ||
      flag(serverArgs, '--config') !== `${MOUNT}/config` ||
      flag(serverArgs, '--env') !== 'cluster'
    ) {
      problems.push('temporal: does not start temporal-server with --root / --config <mount>/config --env cluster');
    }
    const dynamic = env.DYNAMIC_CONFIG_FILE_PATH ?? '';
    if (
      !dynamic.startsWith(`${MOUNT}/`) ||
      !existsSync(path.join(TEMPORAL_DEPLOY_DIR, dynamic.slice(MOUNT.length + 1)))
    ) {
      problems.push(`temporal: DYNAMIC_CONFIG_FILE_PATH ${dynamic || '(unset)'} is not a file of deploy/temporal`);
    }
    const envFiles = argv(temporal.env_file).map((f) => path.relative(REPO, path.resolve(REPO, f)));
    if (!envFiles.includes('deploy/temporal/settings.env'))
      problems.push('temporal: env_file is not deploy/temporal/settings.env');
    if (env.POSTGRES_SEEDS !== 'temporal-postgresql')
      problems.push(`temporal: POSTGRES_SEEDS is ${env.POSTGRES_SEEDS}, not temporal-postgresql`);
    if (dependsOn(temporal, 'temporal-schema') !== 'service_completed_successfully')
      problems.push('temporal: does not wait for temporal-schema to complete');
    const schemaEnv = services['temporal-schema'] ? environment(services['temporal-schema']) : {};
    for (const key of ['POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD']) {
      if (schemaEnv[key] !== env[key]) problems.push(`temporal-schema: ${key} differs from the temporal service's`);
    }
  }
  const setupEnv = services['temporal-setup'] ? environment(services['temporal-setup']) : {};
  if (setupEnv.TEMPORAL_ADDRESS !== `temporal:${grpcPort}`)
    problems.push(`temporal-setup: TEMPORAL_ADDRESS is ${setupEnv.TEMPORAL_ADDRESS}, not temporal:${grpcPort}`);

  // The settings both the stack and test:cluster use: the CLI's default namespace, retention for evidence.
  if (settings.namespace !== DEFAULT_TEMPORAL_NAMESPACE)
    problems.push(
      `settings.env: NAMESPACE ${settings.namespace} is not the CLI's default ${DEFAULT_TEMPORAL_NAMESPACE}`,
    );
  if (settings.retentionSeconds < 30 * 86_400)
    problems.push(`settings.env: NAMESPACE_RETENTION ${settings.retention} is shorter than 30 days`);

  // Temporal UI: on localhost:8080, talking to the temporal service on its gRPC port.
  const ui = services['temporal-ui'];
  const uiTarget = publishedTo('temporal-ui', ui, UI_PORT, problems);
  if (ui) {
    const env = environment(ui);
    const uiListens = Number(env.TEMPORAL_UI_PORT ?? UI_IMAGE_DEFAULT_PORT);
    if (uiTarget !== undefined && uiTarget !== uiListens)
      problems.push(`temporal-ui: host port ${UI_PORT} maps to ${uiTarget}, the UI listens on ${uiListens}`);
    const address = env.TEMPORAL_ADDRESS;
    if (!address) problems.push('temporal-ui: TEMPORAL_ADDRESS is not set');
    else {
      const { host, port } = hostPort(address);
      if (host !== 'temporal') problems.push(`temporal-ui: TEMPORAL_ADDRESS host is ${host}, not the temporal service`);
      if (grpcPort !== undefined && port !== grpcPort)
        problems.push(`temporal-ui: TEMPORAL_ADDRESS port is ${port}, the temporal service listens on ${grpcPort}`);
    }
  }

  // The worker: built here, on the stack's database and Temporal, for the target the CLI derives.
  const worker = services.worker;
  if (worker) {
    const context = typeof worker.build === 'string' ? worker.build : worker.build?.context;
    const dockerfile = (typeof worker.build === 'object' && worker.build.dockerfile) || 'Dockerfile';
    if (!context || !existsSync(path.resolve(REPO, context, dockerfile)))
      problems.push('worker: not built from a Dockerfile in this repository');
    const env = environment(worker);
    const url = env.DATABASE_URL ? new URL(defaultOf(env.DATABASE_URL)) : undefined;
    if (!url || url.hostname !== 'postgres' || url.pathname !== '/directus')
      problems.push(`worker: DATABASE_URL ${env.DATABASE_URL} is not the postgres service's directus`);
    if (env.TEMPORAL_ADDRESS !== `temporal:${grpcPort}`)
      problems.push(`worker: TEMPORAL_ADDRESS is ${env.TEMPORAL_ADDRESS}, not temporal:${grpcPort}`);
    const namespace = env.TEMPORAL_NAMESPACE ?? DEFAULT_TEMPORAL_NAMESPACE;
    if (namespace !== settings.namespace)
      problems.push(`worker: namespace ${namespace} is not the one set up (${settings.namespace})`);
    if (documented && defaultOf(env.ROLLOUT_TARGET ?? '') !== targetFromDatabaseUrl(documented, {})) {
      problems.push(
        `worker: ROLLOUT_TARGET ${defaultOf(env.ROLLOUT_TARGET ?? '')} is not the target the CLI derives from the ` +
          `header's DATABASE_URL`,
      );
    }
    if (dependsOn(worker, 'temporal-setup') !== 'service_completed_successfully')
      problems.push('worker: does not wait for temporal-setup');
    if (dependsOn(worker, 'postgres') !== 'service_healthy')
      problems.push('worker: does not wait for a healthy postgres');
  }
  return problems;
}

describe('docker-compose.yml', () => {
  const { text, compose } = loadCompose();
  const header = text
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .join('\n');
  const settings = loadTemporalSettings();

  test("agrees with the code's defaults and with deploy/temporal, which test:cluster runs", () => {
    expect(DEFAULT_TEMPORAL_ADDRESS).toMatch(/^localhost:\d+$/);
    expect(TEMPORAL_RELEASE).toBe('1.29.1');
    expect(composeProblems(compose, header, settings)).toEqual([]);
  });

  test(
    'every pulled image is pinned to the tag an upstream ' + 'Temporal compose file uses, with its source recorded',
    () => {
      expect(imageSourceProblems(text)).toEqual([]);
      const pulled = Object.values(compose.services ?? {})
        .filter((s) => !s.build)
        .map((s) => s.image);
      expect(pulled).toEqual(
        expect.arrayContaining(['temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0', 'temporalio/ui:2.34.0']),
      );
    },
  );

  test("the settings: the CLI's namespace, 30 days of retention, the search attributes the workflow upserts", () => {
    expect(settings).toMatchObject({ namespace: 'default', retention: '30d', retentionSeconds: 30 * 86_400 });
    // Every attribute of the contract (src/shared), with its type, is registered by the setup.
    const contract = ROLLOUT_SEARCH_ATTRIBUTES.map((k) => ({
      name: k.name,
      type: `${k.type.charAt(0)}${k.type.slice(1).toLowerCase()}`,
    }));
    expect(settings.searchAttributes).toEqual(contract);
  });

  // The checks above must be able to fail: the same checks on altered copies of the file.
  describe('the checks catch a drifted file', () => {
    function altered(edit: (c: Compose) => void, s: TemporalSettings = settings): string[] {
      const copy = parse(text, { merge: true }) as Compose;
      edit(copy);
      return composeProblems(copy, header, s);
    }
    const services = (c: Compose): Record<string, Service> => c.services ?? {};

    test('Temporal published on another host port', () => {
      const problems = altered((c) => {
        const t = services(c).temporal;
        if (t) t.ports = ['127.0.0.1:7234:7233'];
      });
      expect(problems).toContain(
        `temporal: no container port is published on host port ${hostPort(DEFAULT_TEMPORAL_ADDRESS).port}`,
      );
    });

    test('Temporal listening on another port than the one published', () => {
      const problems = altered((c) => {
        const t = services(c).temporal;
        if (t) t.environment = { ...environment(t), FRONTEND_GRPC_PORT: '7000' };
      });
      expect(problems.some((p) => p.startsWith('temporal: host port'))).toBe(true);
      expect(problems.some((p) => p.startsWith('temporal-ui: TEMPORAL_ADDRESS port'))).toBe(true);
      expect(problems.some((p) => p.startsWith('worker: TEMPORAL_ADDRESS'))).toBe(true);
    });

    test('UI and PostgreSQL on other ports, UI pointed elsewhere, a port on every interface', () => {
      const problems = altered((c) => {
        const s = services(c);
        if (s['temporal-ui']) s['temporal-ui'].ports = ['8081:8080'];
        if (s['temporal-ui']) s['temporal-ui'].environment = { TEMPORAL_ADDRESS: 'temporal:7234' };
        if (s.postgres) s.postgres.ports = [{ target: 5432, published: 5433 }];
        if (s.temporal) s.temporal.ports = ['7233:7233'];
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          'temporal-ui: no container port is published on host port 8080',
          'temporal-ui: TEMPORAL_ADDRESS port is 7234, the temporal service listens on 7233',
          'postgres: no container port is published on host port 5432',
          'temporal: host port 7233 is bound to every interface, not 127.0.0.1',
        ]),
      );
    });

    test('an unpinned image, the deprecated auto-setup, the dev server, another release', () => {
      const problems = altered((c) => {
        const s = services(c);
        if (s['temporal-ui']) s['temporal-ui'].image = 'temporalio/ui:latest';
        if (s['temporal-setup']) s['temporal-setup'].image = 'temporalio/auto-setup:1.29.1';
        if (s.temporal) s.temporal.command = ['server', 'start-dev'];
        if (s['temporal-schema']) s['temporal-schema'].image = 'temporalio/admin-tools:1.28.0';
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          'temporal-ui: image temporalio/ui:latest is not pinned to a tag',
          'temporal-setup: temporalio/auto-setup is deprecated; use temporalio/server and admin-tools',
          'temporal: runs the dev server, not the server proper',
          'temporal-schema: image temporalio/admin-tools:1.28.0 is not temporalio/admin-tools of release 1.29.1',
        ]),
      );
    });

    test("a tag changed without its source, a source dropped or not Temporal's, a short commit, another image", () => {
      const edits: [string, string][] = [
        ['image: temporalio/ui:2.34.0', 'image: temporalio/ui:2.44.0'],
        ['    #   docker-compose-multirole.yaml (temporalio/server), .env TEMPORAL_VERSION=1.29.1\n', ''],
      ];
      let drifted = text;
      for (const [from, to] of edits) {
        expect(drifted).toContain(from);
        drifted = drifted.replace(from, to);
      }
      // The second postgres:16, Temporal's own: its environment follows the image line.
      const temporalPg = new RegExp(
        /(# image source: )temporalio\/docker-compose/.source +
          /(@\S+\n.*\n {4}image: postgres:16\n {4}environment:\n {6}POSTGRES_USER: t)/.source,
      );
      drifted = drifted.replace(temporalPg, '$1someone/compose$2');
      expect(imageSourceProblems(drifted)).toEqual([
        "temporal-postgresql: source someone/compose is not one of Temporal's compose repositories",
        expect.stringMatching(/^temporal: image temporalio\/server:1\.29\.1 has no recorded source/),
        'temporal-ui: tag 2.44.0 is not the recorded TEMPORAL_UI_VERSION=2.34.0',
      ]);
      const shortCommit = text.replace(
        'temporalio/docker-compose@ae1cc2cd5cb619edfa6ef955f6193524789d709f\n    #   docker-compose-multirole.yaml',
        'temporalio/docker-compose@ae1cc2c\n    #   docker-compose-multirole.yaml',
      );
      expect(imageSourceProblems(shortCommit)).toEqual(['temporal: source commit ae1cc2c is not a full commit id']);
      const otherImage = text.replace('image: temporalio/ui:2.34.0', 'image: example/ui:2.34.0');
      expect(imageSourceProblems(otherImage)).toEqual([
        'temporal-ui: the source names image temporalio/ui, the service pulls example/ui',
      ]);
    });

    test('the server not on deploy/temporal: another config, no settings, no healthcheck', () => {
      const problems = altered((c) => {
        const t = services(c).temporal;
        if (!t) return;
        t.entrypoint = ['temporal-server', '--env', 'docker', 'start'];
        delete t.env_file;
        delete t.healthcheck;
        t.volumes = [];
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          'temporal: does not start temporal-server with --root / --config <mount>/config --env cluster',
          'temporal: env_file is not deploy/temporal/settings.env',
          'temporal: no healthcheck',
          `temporal: deploy/temporal is not mounted at ${MOUNT}`,
        ]),
      );
    });

    test('a worker for another target or namespace, and settings that drop the evidence', () => {
      const problems = altered(
        (c) => {
          const w = services(c).worker;
          if (w)
            w.environment = {
              ...environment(w),
              ROLLOUT_TARGET: 'postgres-5432-directus',
              TEMPORAL_NAMESPACE: 'other',
            };
        },
        { ...settings, retention: '1d', retentionSeconds: 86_400 },
      );
      expect(problems).toEqual(
        expect.arrayContaining([
          "worker: ROLLOUT_TARGET postgres-5432-directus is not the target the CLI derives from the header's " +
            'DATABASE_URL',
          'worker: namespace other is not the one set up (default)',
          'settings.env: NAMESPACE_RETENTION 1d is shorter than 30 days',
        ]),
      );
    });
  });
});
