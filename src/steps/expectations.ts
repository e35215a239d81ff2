// The packet's verification, as pure functions of measured numbers: each returns what is off.
import type { Expected } from '../shared/input';
import type { Metrics, Phase3Numbers } from '../shared/progress';

/** What is off in the numbers read, against those wanted: the numbers a step read, every one or Phase 3's. */
function compare<M extends Partial<Metrics>>(actual: M, wanted: Partial<Record<keyof M, number>>): string[] {
  return (Object.keys(wanted) as (keyof M & string)[])
    .filter((key) => actual[key] !== wanted[key])
    .map((key) => `${key}=${String(actual[key])}, expected ${String(wanted[key])}`);
}

/** After Phase 1: own 0→30, gap 210→0, conflict 0, resolution 30 direct + 210 inherited, coverage 100. */
export function seedMismatches(expected: Expected, after: Metrics): string[] {
  return compare(after, {
    own: expected.own + expected.seed_rows,
    gap: 0,
    conflict: 0,
    direct: expected.own + expected.seed_rows,
    inherited: expected.gap,
    coverage_pct: 100,
  });
}

/** Phase 3 stays manual: after every step the governance types are inactive and nothing was emitted. */
export function phase3Mismatches(expected: Expected, after: Phase3Numbers): string[] {
  return compare(after, { gov_types_active: 0, gov_emit: expected.gov_emit });
}

/** What a scan found for its ruleset version: the candidates present, what the inventory covers, the run appended. */
export interface ScanCounts {
  states: number;
  objects: number;
  expectedStates: number;
  expectedObjects: number;
  scanRunId: number;
}

/** 5 candidate_state + 35 candidate_object per ruleset version on the clone, and one scan run appended. */
export function scanMismatches(expected: Expected, scan: ScanCounts): string[] {
  const problems: string[] = [];
  const states = expected.candidate_state ?? scan.expectedStates;
  const objects = expected.candidate_object ?? scan.expectedObjects;
  if (scan.states !== states) problems.push(`candidate_state=${scan.states}, expected ${states}`);
  if (scan.objects !== objects) problems.push(`candidate_object=${scan.objects}, expected ${objects}`);
  if (!(scan.scanRunId > 0)) problems.push('no candidate_scan_run row appended');
  return problems;
}

export function cursorMismatches(to: string, cursor: { current: string | null }): string[] {
  return cursor.current === to ? [] : [`scan cursor at ${cursor.current ?? 'null'}, expected ${to}`];
}

/** After compensation the numbers are those measured before the first write. */
export function baselineMismatches(baseline: Metrics, after: Metrics): string[] {
  return compare(after, {
    own: baseline.own,
    gap: baseline.gap,
    conflict: baseline.conflict,
    gov_emit: baseline.gov_emit,
  });
}

/** After compensation nothing this rollout's ledger records remains, in any relation. */
export function remainsMismatches(left: { relation: string; rows: number }[]): string[] {
  return left.map((r) => `${r.relation}: ${r.rows} row(s) this rollout wrote remain`);
}
