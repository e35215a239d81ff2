import { metricsLine } from '../shared/metrics';
import { TERMINAL_STATES, type GateAttempt, type RolloutProgress, type StepProgress } from '../shared/progress';

export const formatMetrics = metricsLine;

export function formatAttempt(a: GateAttempt): string {
  return `${a.at}  ${a.outcome.padEnd(8)} by ${a.by}  ospa=${a.ospa ?? '?'}  ${a.reason}`;
}

function formatDetail(detail: StepProgress['detail'] | null): string {
  if (!detail) return '';
  return (
    Object.entries(detail)
      // Digests are cited by their first 12 hex digits, as git abbreviates hashes.
      .map(([k, v]) => `${k}=${typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v.slice(0, 12) : v}`)
      .join(' ')
  );
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

// Braille dots, as most terminal spinners draw them.
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const STEP_ICON: Record<StepProgress['status'], string> = {
  pending: '○',
  running: '',
  done: '✔',
  skipped: '–',
  failed: '✖',
  compensating: '',
  compensated: '↩',
};

function stepIcon(s: StepProgress, tick: number): string {
  return STEP_ICON[s.status] || (SPINNER[tick % SPINNER.length] ?? '*');
}

/** `[■■□] 2/3`: the steps this rollout runs (skipped ones left out) that have finished their work. */
export function stepBar(steps: readonly StepProgress[]): string {
  const counted = steps.filter((s) => s.status !== 'skipped');
  const finished = counted.filter((s) => s.status === 'done' || s.status === 'compensated').length;
  return `[${'■'.repeat(finished)}${'□'.repeat(counted.length - finished)}] ${finished}/${counted.length}`;
}

/** The live view of `progress --watch` in a terminal, redrawn in place; `tick` turns the spinners. */
export function formatFrame(p: RolloutProgress, tick: number): string {
  const gate = p.gate.accepted
    ? `✔ accepted, opened by ${p.gate.openedBy} at ${p.gate.acceptedAt}`
    : `${p.state === 'WAITING_FOR_GATE' ? SPINNER[tick % SPINNER.length] : '✖'} not accepted: people ratify ` +
      `${p.apr}, then rollout gate-open`;
  return [
    `${p.workflowId}  ${p.state}  target=${p.target}  apr=${p.apr}  updated ${p.updatedAt}`,
    ...(p.reason ? [`reason: ${p.reason}`] : []),
    `gate   ${gate}`,
    ...p.gate.attempts.map((a) => `         ${formatAttempt(a)}`),
    `steps  ${stepBar(p.steps)}`,
    ...p.steps.map((s) => `  ${stepIcon(s, tick)} ${formatStep(s)}`),
    `metrics ${formatMetrics(p.metrics)}`,
  ].join('\n');
}

/**
 * What changed between two observations, one line each, for logs and pipes; the first
 * observation (prev null) is told in full.
 */
export function formatChanges(prev: RolloutProgress | null, next: RolloutProgress): string[] {
  const lines: string[] = [];
  if (!prev) lines.push(`rollout ${next.workflowId} target=${next.target} apr=${next.apr}`);
  for (const a of next.gate.attempts.slice(prev?.gate.attempts.length ?? 0)) lines.push(`gate ${formatAttempt(a)}`);
  if (!prev?.gate.accepted && next.gate.accepted)
    lines.push(`gate accepted, opened by ${next.gate.openedBy} at ${next.gate.acceptedAt}`);
  const state =
    prev?.state === next.state
      ? []
      : [`state ${prev ? `${prev.state} -> ` : ''}${next.state}${next.reason ? `: ${next.reason}` : ''}`];
  // In the order things happened: a rollout starts running before its steps, and ends after them.
  const ended = TERMINAL_STATES.includes(next.state);
  if (!ended) lines.push(...state);
  next.steps.forEach((s, i) => {
    const before = prev?.steps[i];
    if (!before || before.status !== s.status || before.sqlSha256 !== s.sqlSha256)
      lines.push(`step ${stepBar(next.steps)} ${formatStep(s)}`);
  });
  if (next.metrics && JSON.stringify(prev?.metrics) !== JSON.stringify(next.metrics))
    lines.push(`metrics ${formatMetrics(next.metrics)}`);
  if (ended) lines.push(...state);
  return lines.map((line) => `${next.updatedAt}  ${line}`.trimEnd());
}
