// The packet's numbers as one line: the one formatter for progress, the UI's details, notifications,
// plans and reports.
import type { Metrics } from './progress';

/** own, gap, conflict, gov_emit and coverage, the packet's verification in its own words. */
export function numbersLine(m: Pick<Metrics, 'own' | 'gap' | 'conflict' | 'gov_emit' | 'coverage_pct'>): string {
  return `own=${m.own} gap=${m.gap} conflict=${m.conflict} gov_emit=${m.gov_emit} coverage_pct=${m.coverage_pct}`;
}

/** The same with the resolution and the gate: `... (30 direct + 210 inherited, ospa=1)`. */
export function metricsLine(m: Metrics | null): string {
  if (!m) return 'not measured yet';
  return `${numbersLine(m)} (${m.direct} direct + ${m.inherited} inherited, ospa=${m.ospa})`;
}
