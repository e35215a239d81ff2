// The packet's numbers as one line: the one formatter for progress, the UI's details, notifications,
// plans and reports.
import { everyNumber, type Metrics, type StepNumbers } from './progress';

/** own, gap, conflict, gov_emit and coverage, the packet's verification in its own words. */
export function numbersLine(m: Pick<Metrics, 'own' | 'gap' | 'conflict' | 'gov_emit' | 'coverage_pct'>): string {
  return `own=${m.own} gap=${m.gap} conflict=${m.conflict} gov_emit=${m.gov_emit} coverage_pct=${m.coverage_pct}`;
}

/**
 * The same with the resolution and the gate: `... (30 direct + 210 inherited, ospa=1)`; for a step that read
 * only Phase 3's numbers, those.
 */
export function metricsLine(m: StepNumbers | null): string {
  if (!m) return 'not measured yet';
  if (!everyNumber(m)) return `gov_emit=${m.gov_emit} gov_types_active=${m.gov_types_active} (Phase 3's numbers only)`;
  return `${numbersLine(m)} (${m.direct} direct + ${m.inherited} inherited, ospa=${m.ospa})`;
}
