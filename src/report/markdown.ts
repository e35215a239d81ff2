import { formatMetrics } from '../format/progress';
import { footprintTable, pairs, recordsTable, span, verdictText, type Cell } from './cells';
import { TEMPORAL_SOURCE, type Delta, type Packet, type PhaseEvidence } from './packet';
import type { FootprintProof, Metrics } from '../shared';

function table(header: string[], rows: Cell[][]): string[] {
  const cell = (v: Cell) =>
    v === null || v === undefined || v === '' ? '—' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function mark(ok: boolean | null): string {
  return ok === null ? '—' : ok ? '✔' : '✖';
}

function deltaRows(deltas: Delta[]): string[] {
  return table(
    ['number', 'expected', 'actual', ''],
    deltas.map((d) => [d.name, span(d.expectedBefore, d.expectedAfter), span(d.before, d.after), mark(d.ok)]),
  );
}

/** Declared beside measured, every relation either names: the proof that the step wrote its own rows only. */
function footprintRows(title: string, proof: FootprintProof | null): string[] {
  if (!proof) return [];
  const t = footprintTable(proof);
  return [
    '',
    `${title} (${t.how}; insert / update / delete):`,
    '',
    ...table(['relation', 'declared', 'measured'], t.rows),
    ...(t.unprovable.length
      ? ['', `Not provable (the worker's role cannot read them): ${t.unprovable.join(', ')}`]
      : []),
  ];
}

function phaseSection(p: PhaseEvidence): string[] {
  const verdict = verdictText(p.verification);
  const detail = pairs(p.detail);
  return [
    `## ${p.title}`,
    '',
    `Status: **${p.status}**${p.error ? ` — ${p.error}` : ''}`,
    ...(detail ? ['', `Recorded: ${detail}`] : []),
    '',
    ...deltaRows(p.deltas),
    '',
    `Verification: ${verdict}`,
    '',
    `SQL SHA-256: \`${p.sqlSha256 ?? 'not executed'}\``,
    ...(p.sql.length > 0
      ? [
          '',
          ...table(
            ['script', 'sha256'],
            p.sql.map((s) => [`sql/${s.name}`, `\`${s.sha256}\``]),
          ),
        ]
      : []),
    ...footprintRows('Footprint', p.footprint),
    ...(p.compensation ? ['', `Compensation: ${pairs(p.compensation)}`] : []),
    ...footprintRows('Compensation footprint', p.compensationFootprint),
    '',
  ];
}

function cursorRows(cursor: Packet['manualRollback']['cursor']): Cell[][] {
  if (!cursor) return [['cursor', 'not read by this run: nothing to put back']];
  const b = cursor.before;
  return [
    ['cursor', `${cursor.name}, advanced to ${cursor.advancedTo}`],
    ['cursor before: snapshot_ref', b.snapshot_ref ?? 'null'],
  ];
}

function approvalRows(approvals: Packet['precondition']['approvals']): string[] {
  if (approvals.length === 0) return ['Approval rows for the APR: none.', ''];
  const { columns, rows } = recordsTable(approvals);
  return ['Approval rows for the APR, as the gate read them:', '', ...table(columns, rows), ''];
}

function evidenceLine(evidence: Packet['evidence']): string {
  if (!evidence) return 'stored when the rollout ends';
  if (!('digest' in evidence)) return evidence.error;
  return `sealed and stored in the target's ledger (${evidence.where}), digest \`${evidence.digest}\``;
}

/** The packet as Markdown, section by section as the source packet reads. */
export function renderMarkdown(packet: Packet): string {
  const { temporal: t, rollout: r, precondition: g, rollback } = packet;
  return [
    `# Rollout evidence packet: ${r.target}`,
    '',
    ...(packet.final ? [] : [`> Interim: the rollout is ${r.state}; this packet shows it as of ${r.updatedAt}.`, '']),
    ...(packet.source === TEMPORAL_SOURCE ? [] : [`> From ${packet.source}.`, '']),
    ...table(
      ['', ''],
      [
        ['State', `**${r.state}**${r.reason ? ` — ${r.reason}` : ''}`],
        ['APR', r.apr],
        ['Target', r.target],
        ['Rollout id (marks its rows)', `\`${r.rolloutId}\``],
        ['Temporal workflow id', `\`${t.workflowId}\``],
        ['Temporal run id', `\`${t.runId}\``],
        ['Temporal status', `${t.status} (namespace ${t.namespace}, task queue ${t.taskQueue})`],
        ['Started / closed', `${t.startTime} / ${t.closeTime ?? 'still running'}`],
        ['Worker build', t.buildId ? `\`${t.buildId}\` (the run is pinned to it)` : 'unversioned worker'],
        ['Temporal UI', `[${t.uiUrl}](${t.uiUrl})`],
        ['Expected numbers from', packet.expectedFrom],
      ],
    ),
    '',
    '## Precondition: the one human gate',
    '',
    `${g.rule}.`,
    '',
    g.accepted
      ? `**Accepted**: opened by ${g.openedBy} at ${g.acceptedAt} (ospa=${g.ospaAtAcceptance ?? '?'}).`
      : '**Not accepted**: nothing was written.',
    '',
    ...(g.attempts.length > 0
      ? table(
          ['at', 'outcome', 'by', 'ospa', 'reason'],
          g.attempts.map((a) => [a.at, a.outcome, a.by, a.ospa, a.reason]),
        )
      : ['No gate-open claim was made.']),
    '',
    ...approvalRows(g.approvals),
    `Baseline (before the first write): ${formatMetrics(packet.baseline)}`,
    '',
    ...packet.phases.flatMap(phaseSection),
    '## Phase 3 — Emit activation: manual, not automated',
    '',
    `${packet.phase3.note}. At the end: governance types active=${packet.phase3.gov_types_active ?? '?'}, ` +
      `gov_emit=${packet.phase3.gov_emit ?? '?'}.`,
    '',
    '## Rollback',
    '',
    ...(rollback.performed
      ? [
          ...table(
            ['step', 'status', 'compensation'],
            rollback.steps.map((s) => [s.step, s.status, s.detail ? pairs(s.detail) : null]),
          ),
          '',
          rollback.baselineRestored === null
            ? 'Baseline: not measured.'
            : rollback.baselineRestored
              ? 'Baseline restored: own, gap, conflict and gov_emit are as measured before the first write.'
              : `Baseline NOT restored: ${rollback.problems.join('; ')}`,
        ]
      : ['None performed.']),
    '',
    '## For a rollback by hand (if Temporal is down)',
    '',
    ...table(
      ['value', ''],
      [
        ['rollout_id', `\`${packet.manualRollback.rolloutId}\``],
        [
          'seed rows',
          `created_by='${packet.manualRollback.seedCreatedBy}', by the ledger's keys for rollout_id ` +
            `(governed_rollout.written)`,
        ],
        ...cursorRows(packet.manualRollback.cursor),
      ],
    ),
    '',
    'See docs/OPERATIONS.md, "Rolling back by hand".',
    '',
    '## Final numbers',
    '',
    formatMetrics(packet.metrics),
    '',
    ...(packet.rehearsal
      ? [
          '## Rehearsal and production, side by side',
          '',
          ...table(
            ['', 'rehearsal (clone)', 'this run'],
            [
              ['target', packet.rehearsal.target, packet.rollout.target],
              ['ended', packet.rehearsal.endedAt, packet.rollout.updatedAt],
              ['numbers', formatMetrics(packet.rehearsal.metrics as Metrics | null), formatMetrics(packet.metrics)],
              [
                'evidence digest',
                `\`${packet.rehearsal.digest}\``,
                packet.evidence && 'digest' in packet.evidence ? `\`${packet.evidence.digest}\`` : 'not stored yet',
              ],
            ],
          ),
          '',
        ]
      : []),
    `Evidence: ${evidenceLine(packet.evidence)}.`,
    '',
  ].join('\n');
}
