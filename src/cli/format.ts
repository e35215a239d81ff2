import type { GateAttempt, Metrics, RolloutProgress, StepProgress } from '../shared';

export function formatMetrics(m: Metrics | null): string {
  if (!m) return 'not measured yet';
  return `own=${m.own} gap=${m.gap} conflict=${m.conflict} gov_emit=${m.gov_emit} coverage_pct=${m.coverage_pct} (${m.direct} direct + ${m.inherited} inherited, ospa=${m.ospa})`;
}

export function formatAttempt(a: GateAttempt): string {
  return `${a.at}  ${a.outcome.padEnd(8)} by ${a.by}  ospa=${a.ospa ?? '?'}  ${a.reason}`;
}

function formatDetail(detail: StepProgress['detail'] | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    // Digests are cited by their first 12 hex digits, as git abbreviates hashes.
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v.slice(0, 12) : v}`)
    .join(' ');
}

export function formatStep(s: StepProgress): string {
  const parts = [`${s.name.padEnd(6)} ${s.status.padEnd(12)}`, formatDetail(s.detail)];
  if (s.compensation) parts.push(`undo: ${formatDetail(s.compensation)}`);
  if (s.sqlSha256) parts.push(`sql=${s.sqlSha256.slice(0, 12)}`);
  if (s.error) parts.push(`error: ${s.error}`);
  return parts.filter(Boolean).join('  ');
}

/** The plain-text progress an operator reads in a terminal or a log. */
export function formatProgress(p: RolloutProgress): string {
  const gate = p.gate.accepted
    ? `accepted, opened by ${p.gate.openedBy} at ${p.gate.acceptedAt}`
    : 'waiting for people to ratify and open it';
  return [
    `${p.workflowId}  ${p.state}  target=${p.target}  apr=${p.apr}`,
    ...(p.reason ? [`reason: ${p.reason}`] : []),
    `gate: ${gate}`,
    ...p.gate.attempts.map((a) => `  ${formatAttempt(a)}`),
    'steps:',
    ...p.steps.map((s) => `  ${formatStep(s)}`),
    `metrics: ${formatMetrics(p.metrics)}`,
  ].join('\n');
}
