// A stored evidence packet as an operator reads it, when Temporal no longer has the rollout.
import type { Evidence } from '../evidence/packet';
import { metricsLine, type Metrics } from '../shared';

/** A stored packet's numbers (JSON the seal vouches for, of the Metrics shape), or 'not measured'. */
function numbersOf(m: unknown): string {
  return m && typeof m === 'object' ? metricsLine(m as Metrics) : 'not measured';
}

export function renderEvidenceMarkdown(evidence: Evidence, source: string): string {
  const b = evidence.body;
  const r = b.rollout;
  const rehearsal = b.rehearsal as { digest?: string; rolloutId?: string; target?: string; endedAt?: string; metrics?: unknown } | null;
  return [
    `# Rollout evidence packet: ${r.target}`,
    '',
    `> From ${source}. Digest \`${evidence.digest}\` (verify: \`rollout report verify FILE\` on \`--format evidence\`).`,
    '',
    '| | |',
    '|---|---|',
    `| State | **${r.state}**${r.reason ? ` — ${r.reason}` : ''} |`,
    `| APR | ${r.apr} |`,
    `| Rollout id | \`${r.rolloutId}\` |`,
    `| Temporal workflow / run | \`${r.workflowId}\` / \`${r.runId}\` |`,
    `| Started / ended | ${r.startedAt} / ${r.endedAt} |`,
    `| Worker build | ${r.workerBuild ?? 'unknown'} |`,
    `| Previous packet on this target | ${b.previousDigest ? `\`${b.previousDigest}\`` : 'none (the first)'} |`,
    '',
    '## The gate',
    '',
    b.gate.accepted ? `Accepted: opened by ${String(b.gate.openedBy)} at ${String(b.gate.acceptedAt)}.` : 'Not accepted: nothing was written.',
    '',
    ...b.gate.approvals.map((a) => `- approval: \`${JSON.stringify(a)}\``),
    '',
    '## SQL and contract digests',
    '',
    ...Object.entries(b.digests).map(([k, v]) => `- ${k}: \`${typeof v === 'string' ? v : 'none'}\``),
    '',
    '## Numbers',
    '',
    `Baseline: ${numbersOf(b.baseline)}`,
    '',
    ...(b.steps as { name: string; status: string; after: unknown; compensation: unknown }[]).map(
      (s) => `- ${s.name}: ${s.status}; after: ${numbersOf(s.after)}${s.compensation ? `; compensation: ${JSON.stringify(s.compensation)}` : ''}`,
    ),
    '',
    `Final: ${numbersOf(b.metrics)}`,
    '',
    ...(rehearsal
      ? [
          '## Rehearsal and production, side by side',
          '',
          '| | rehearsal (clone) | this run |',
          '|---|---|---|',
          `| target | ${String(rehearsal.target)} | ${r.target} |`,
          `| ended | ${String(rehearsal.endedAt)} | ${r.endedAt} |`,
          `| numbers | ${numbersOf(rehearsal.metrics)} | ${numbersOf(b.metrics)} |`,
          `| evidence digest | \`${String(rehearsal.digest)}\` | \`${evidence.digest}\` |`,
          '',
        ]
      : []),
  ].join('\n');
}
