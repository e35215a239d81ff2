// `npm run bench -- --live`: what each step's own checks cost on a quiet clone and on one whose live
// tables are large (event_outbox 10 million rows, system_issues 1 million by default), in one run, on
// one server: the footprint proof and the packet's measure must cost the same at both.
import { measure } from '../src/db/measure';
import { createPool, withTransaction } from '../src/db/pool';
import { createSnapshot } from '../src/db/snapshot';
import { remainsOfRollout } from '../src/steps/revert';
import { STEPS } from '../src/steps';
import { cursor, scan, seed } from './steps';
import { initFixture } from '../src/fixture/init';
import type { EmbeddedPostgres } from '../src/infra/embeddedPostgres';
import { Expected } from '../src/shared/input';
import { median, round } from './stats';

const APR = 'APR-BOOT-AUTHMODEL-1';

export interface LiveRow {
  check: string;
  quietMs: number;
  liveMs: number;
  ratio: number;
}

export interface LiveResult {
  events: number;
  issues: number;
  loadS: number;
  rows: LiveRow[];
}

/** Each step's activity (its footprint proof inside) and the measure after it, `repeat` times each, medians. */
async function stepTimes(
  pg: EmbeddedPostgres,
  database: string,
  repeat: number,
  pass: string,
): Promise<Record<string, number>> {
  const pool = createPool(pg.url(database), { max: 2 });
  const target = database;
  const runs: Record<string, number[]> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    (runs[name] ??= []).push(performance.now() - t);
    return out;
  };
  try {
    const snapshotRef = await withTransaction(pool, createSnapshot);
    const ruleset = {
      code: 'RS-LIVE',
      version: 1,
      state: 'candidate',
      domains: ['GD01', 'GD02', 'GD03', 'GD04', 'GD05'],
    };
    for (let i = 0; i < repeat; i++) {
      const input = {
        target,
        apr: APR,
        expected: Expected.parse({}),
        scan: { ruleset, snapshotRef, cursorName: 'governance_scan' },
      };
      const run = { pool, rolloutId: `bench/live/${pass}/${i}`, input };
      await timed("measure (the packet's numbers, gov_emit among them)", () => measure(pool, APR));
      await timed('seed (its guard, footprint proof and verification inside)', () => seed.apply(run));
      await timed('scan (the same)', () => scan.apply(run));
      await timed('cursor (the same)', () => cursor.apply(run));
      await timed('compensate cursor', () => cursor.revert(run));
      await timed('compensate scan (remains inside)', () => scan.revert(run));
      await timed('compensate seed (remains inside)', () => seed.revert(run));
      await timed('remains of the rollout (after compensation)', () => remainsOfRollout(run, [...STEPS]));
    }
  } finally {
    await pool.end();
  }
  return Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
}

/** Bulk traffic as other processes would have left it: ordinary events (mostly dispatched) and issues. */
async function loadLiveTables(pg: EmbeddedPostgres, database: string, events: number, issues: number): Promise<void> {
  const pool = createPool(pg.url(database), { max: 1, statement_timeout: 0 });
  try {
    // A bench-only shortcut (the server's superuser): load without firing the tables' own triggers per row.
    await pool.query('set session_replication_role = replica');
    await pool.query(
      `insert into event_outbox (event_type, payload, dispatched_at)
       select 'system.heartbeat', jsonb_build_object('n', g), case when g % 10 = 0 then null else now() end
         from generate_series(1, $1::int) g`,
      [events],
    );
    await pool.query(
      `insert into system_issues (title, severity, status, fingerprint)
       select 'issue ' || g, 'info', 'open', md5(g::text) from generate_series(1, $1::int) g`,
      [issues],
    );
    await pool.query('vacuum analyze event_outbox');
    await pool.query('vacuum analyze system_issues');
  } finally {
    await pool.end();
  }
}

export async function liveBench(
  pg: EmbeddedPostgres,
  options: { events: number; issues: number; repeat: number },
): Promise<LiveResult> {
  const database = `bench_live_${process.pid}`;
  await pg.createDatabase(database);
  const setup = createPool(pg.url(database), { max: 1 });
  try {
    await initFixture(setup, {});
    await setup.query('insert into os_proposal_approvals (proposal_code, approved_by) values ($1, $2)', [APR, 'bench']);
    await setup.query('vacuum analyze');
  } finally {
    await setup.end();
  }
  const quiet = await stepTimes(pg, database, options.repeat, 'quiet');
  const t = performance.now();
  await loadLiveTables(pg, database, options.events, options.issues);
  const loadS = (performance.now() - t) / 1000;
  const live = await stepTimes(pg, database, options.repeat, 'live');
  const rows = Object.keys(quiet).map((check) => ({
    check,
    quietMs: quiet[check] ?? NaN,
    liveMs: live[check] ?? NaN,
    ratio: (live[check] ?? NaN) / (quiet[check] ?? NaN),
  }));
  return { events: options.events, issues: options.issues, loadS, rows };
}

export function liveTable(r: LiveResult): string {
  const head = [
    'per step (median)',
    'quiet ms',
    `event_outbox ${r.events.toLocaleString('en-US')} + system_issues ${r.issues.toLocaleString('en-US')} ms`,
    'ratio',
  ];
  const rows = r.rows.map((x) => [
    x.check,
    String(round(x.quietMs)),
    String(round(x.liveMs)),
    String(round(x.ratio, 2)),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
