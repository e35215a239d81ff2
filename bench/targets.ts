// Issue 21's targets, each against its baseline from the same run: one table at the end of every run, the
// best beside the median, the verdict on the median (a shared machine only ever adds time to one side).
// Rows marked "info" have no bound of their own: what Temporal's floor (bench/floor) leaves a target.
import type { CliFigure } from './cli';
import type { LiveResult } from './live';
import { median, round } from './stats';

/** What a size's result (bench/main.ts) gives the targets: a --write-half-only run has no workflow. */
export interface Sized {
  objects: number;
  direct: { runsMs: number[] };
  workflow?: { runsMs: number[] };
  /** The rollout's shape with no-op activities (bench/floor), run beside the workflow: Temporal's own time. */
  floor?: { runsMs: number[] };
  overhead: { ratio: number; addedMs: number; medianRatio: number };
  writeHalf: { ratio: number; medianRatio: number };
  workerMemory?: { peakMb: number };
}

interface Row {
  target: string;
  at: string;
  baseline: string;
  best: number;
  median: number;
  bound: string;
  /** Null for a row that informs beside a target and has no bound of its own. */
  met: boolean | null;
}

const CLONE = 210;
const LARGE = 100_030;
const MILLION = 1_000_006;

const sized = (results: Sized[], objects: number) => results.find((r) => r.objects === objects && r.workflow);

function afterTheGate(results: Sized[]): Row[] {
  const rows: Row[] = [];
  const clone = sized(results, CLONE);
  if (clone?.workflow) {
    const added = median(clone.workflow.runsMs) - median(clone.direct.runsMs);
    rows.push({
      target: 'added after the gate (ms)',
      at: '210 objects',
      baseline: 'the SQL alone',
      best: round(clone.overhead.addedMs, 0),
      median: round(added, 0),
      bound: '≤ 100',
      met: added <= 100,
    });
    rows.push(...completed(clone, '210 objects', 1.5, '≤ 1.5×'));
  }
  const large = sized(results, LARGE);
  if (large?.workflow) {
    rows.push(...completed(large, '100,030 objects', 1.1, '≤ 1.10×'));
  }
  return rows;
}

/** Gate-open → COMPLETED against the SQL alone at one size, then what Temporal's floor leaves of it. */
function completed(size: Sized, at: string, most: number, bound: string): Row[] {
  return [
    {
      target: 'gate-open → COMPLETED',
      at,
      baseline: 'the SQL alone',
      best: round(size.overhead.ratio, 2),
      median: round(size.overhead.medianRatio, 2),
      bound,
      met: size.overhead.medianRatio <= most,
    },
    ...underTheFloor(size, at, bound),
  ];
}

/**
 * How much of the added time is Temporal's floor for the rollout's shape, how much is the rollout's own, and
 * the least gate-open → COMPLETED ratio the shape allows over this SQL (the ratio's target beside it).
 */
function underTheFloor(size: Sized, at: string, ratioTarget: string): Row[] {
  const floor = size.floor?.runsMs;
  const flow = size.workflow?.runsMs;
  if (!floor?.length || !flow) return [];
  const best = { floor: Math.min(...floor), sql: Math.min(...size.direct.runsMs) };
  const mid = { floor: median(floor), sql: median(size.direct.runsMs), flow: median(flow) };
  const info = { at, bound: '—', met: null };
  return [
    {
      ...info,
      target: "Temporal's floor of the rollout's shape (ms)",
      baseline: 'no-op activities',
      best: round(best.floor, 0),
      median: round(mid.floor, 0),
    },
    {
      ...info,
      target: 'added after the gate − floor: ours (ms)',
      baseline: 'the SQL alone and the floor',
      best: round(size.overhead.addedMs - best.floor, 0),
      median: round(mid.flow - mid.sql - mid.floor, 0),
    },
    {
      ...info,
      target: 'least gate-open → COMPLETED the shape allows',
      baseline: '(SQL alone + floor) / SQL alone',
      best: round((best.sql + best.floor) / best.sql, 2),
      median: round((mid.sql + mid.floor) / mid.sql, 2),
      bound: `target ${ratioTarget}`,
    },
  ];
}

function atAMillion(results: Sized[]): Row[] {
  const million = results.find((r) => r.objects === MILLION);
  if (!million) return [];
  const rows: Row[] = [
    {
      target: 'scanner write-half',
      at: '1,000,006 objects',
      baseline: 'COPY of the same rows',
      best: round(million.writeHalf.ratio, 2),
      median: round(million.writeHalf.medianRatio, 2),
      bound: '≥ 0.9×',
      met: million.writeHalf.medianRatio >= 0.9,
    },
  ];
  const clone = results.find((r) => r.objects === CLONE)?.workerMemory;
  if (million.workerMemory && clone) {
    const ratio = million.workerMemory.peakMb / clone.peakMb;
    rows.push({
      target: 'worker peak RSS',
      at: '1,000,006 objects',
      baseline: 'the same at 210 objects',
      best: round(ratio, 2),
      median: round(ratio, 2),
      bound: '≤ 1.2×',
      met: ratio <= 1.2,
    });
  }
  return rows;
}

function cliStart(cli: CliFigure[]): Row[] {
  const groups = [
    { baseline: 'node -e 0', bound: 2, target: 'CLI help and usage errors (worst)' },
    { baseline: 'client', bound: 1.3, target: '`progress ID`, `list` (worst)' },
  ];
  return groups.flatMap((g) => {
    const figures = cli.filter((f) => f.baseline.startsWith(g.baseline));
    if (figures.length === 0) return [];
    const worst = figures.reduce((a, b) => (b.medianRatio > a.medianRatio ? b : a));
    return [
      {
        target: g.target,
        at: `\`${worst.command}\` of ${figures.length}`,
        baseline: worst.baseline,
        best: round(worst.bestRatio, 2),
        median: round(worst.medianRatio, 2),
        bound: `≤ ${g.bound}×`,
        met: figures.every((f) => f.medianRatio <= g.bound),
      },
    ];
  });
}

function liveTables(live: LiveResult | null): Row[] {
  if (!live || live.rows.length === 0) return [];
  const worst = live.rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return [
    {
      target: 'a step beside large live tables (worst)',
      at: worst.check,
      baseline: 'the same on a quiet clone',
      best: round(worst.ratio, 2),
      median: round(worst.ratio, 2),
      bound: '≤ 1.2×',
      met: live.rows.every((r) => r.ratio <= 1.2),
    },
  ];
}

const verdict = (met: boolean | null) => (met === null ? 'info' : met ? 'met' : 'NOT met');

export function targetsTable(results: Sized[], live: LiveResult | null, cli: CliFigure[]): string {
  const rows = [...afterTheGate(results), ...atAMillion(results), ...cliStart(cli), ...liveTables(live)];
  if (rows.length === 0) return '';
  const head = '| target | at | baseline | best | median | bound | verdict (median) |';
  const lines = rows.map(
    (r) => `| ${r.target} | ${r.at} | ${r.baseline} | ${r.best} | ${r.median} | ${r.bound} | ${verdict(r.met)} |`,
  );
  return [head, '|---|---|---|---|---|---|---|', ...lines].join('\n');
}
