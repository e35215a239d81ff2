// The evidence packet of one rollout: the packet's own sections, filled from what the run recorded.
import { baselineMismatches, phase3Mismatches, seedMismatches } from '../steps/expectations';
import type { Evidence } from '../evidence/packet';
import {
  Expected,
  STEP_PLAN,
  TERMINAL_STATES,
  everyNumber,
  type GateAttempt,
  type Metrics,
  type RolloutInput,
  type RolloutProgress,
  type SqlRef,
  type StepName,
  type StepProgress,
} from '../shared';

export const TEMPORAL_SOURCE = "Temporal's history";

/** What Temporal itself knows of one execution, as plain values. */
export interface Execution {
  workflowId: string;
  runId: string;
  status: string;
  taskQueue: string;
  startTime: string;
  closeTime: string | null;
  /** The worker build the run is pinned to (Worker Deployments); null for an unversioned run. */
  buildId: string | null;
}

type Value = number | string | boolean | null;

/** One number of a phase: what the packet expects it to be before and after, and what it was. */
export interface Delta {
  name: string;
  expectedBefore: Value;
  expectedAfter: Value;
  before: Value;
  after: Value;
  /** Null while the step has not measured it. */
  ok: boolean | null;
}

export interface PhaseEvidence {
  step: StepName;
  title: string;
  status: StepProgress['status'];
  /** The digest over every script the step executed, and each script's own. */
  sqlSha256: string | null;
  sql: SqlRef[];
  detail: StepProgress['detail'];
  deltas: Delta[];
  /** The packet's verification of the step, re-read from its recorded numbers. */
  verification: { passed: boolean | null; problems: string[] };
  error: string | null;
  compensation: StepProgress['compensation'];
  /** What the step's transaction, and its compensation's, were proven to write, table by table. */
  footprint: StepProgress['footprint'];
  compensationFootprint: StepProgress['compensationFootprint'];
}

export interface Packet {
  kind: 'rollout-evidence-packet';
  final: boolean;
  /** Where the report was made from: Temporal's history, or the sealed packet in the target's ledger. */
  source: string;
  temporal: Execution & { namespace: string; uiUrl: string };
  rollout: {
    rolloutId: string;
    target: string;
    apr: string;
    state: RolloutProgress['state'];
    reason: string | null;
    startedAt: string;
    updatedAt: string;
  };
  /** Where the expected numbers come from: the run's own input, or the packet's defaults when it could not be read. */
  expectedFrom: 'input' | 'packet defaults';
  precondition: {
    rule: string;
    accepted: boolean;
    openedBy: string | null;
    acceptedAt: string | null;
    ospaAtAcceptance: number | null;
    attempts: GateAttempt[];
    /** The os_proposal_approvals rows for the APR, whole, as the last gate read saw them. */
    approvals: Record<string, unknown>[];
  };
  baseline: Metrics | null;
  phases: PhaseEvidence[];
  phase3: { automated: false; gov_types_active: number | null; gov_emit: number | null; note: string };
  rollback: {
    performed: boolean;
    steps: { step: StepName; status: StepProgress['status']; detail: StepProgress['compensation'] }[];
    baselineRestored: boolean | null;
    problems: string[];
  };
  /** The values a rollback by hand needs when Temporal itself is down (docs/OPERATIONS.md). */
  manualRollback: {
    rolloutId: string;
    seedCreatedBy: 'F6_OWNERSHIP_SEED_COMMIT';
    /** Null without a scan, or before the scan read the cursor. */
    cursor: { name: string; advancedTo: string; before: { snapshot_ref: string | null } } | null;
  };
  metrics: Metrics | null;
  /** The sealed evidence stored in the target's ledger when the rollout ended (null while it runs). */
  evidence: RolloutProgress['evidence'];
  /** The clone rehearsal a production run carried: its digest and numbers, beside this run's. */
  rehearsal: { digest: string; rolloutId: string; target: string; endedAt: string; metrics: unknown } | null;
}

/** What the report needs of a run's input: its numbers, its scan, the rehearsal it carried. */
export interface ReportInput {
  expected: Expected;
  scan?: RolloutInput['scan'];
  rehearsal?: Evidence | RehearsalSummary | undefined;
}

/** A rehearsal as the evidence packet of the production run keeps it. */
export interface RehearsalSummary {
  digest: string;
  rolloutId?: string;
  target?: string;
  endedAt?: string;
  metrics?: unknown;
}

export interface PacketSource {
  progress: RolloutProgress;
  input: ReportInput | null;
  approvals: Record<string, unknown>[];
  execution: Execution;
  namespace: string;
  uiUrl: string;
}

function delta(
  name: string,
  expectedBefore: Value,
  expectedAfter: Value,
  before: Value,
  after: Value,
  measured: boolean,
): Delta {
  return {
    name,
    expectedBefore,
    expectedAfter,
    before,
    after,
    ok: measured ? after === expectedAfter && (expectedBefore === null || before === expectedBefore) : null,
  };
}

function metricDeltas(step: StepProgress, wanted: [keyof Metrics, number | null, number][]): Delta[] {
  // The scan and the cursor read Phase 3's numbers alone: the others are the seed's to show.
  const after: Partial<Metrics> | null = step.after;
  return wanted.map(([key, expectedBefore, expectedAfter]) =>
    delta(key, expectedBefore, expectedAfter, step.before?.[key] ?? null, after?.[key] ?? null, after !== null),
  );
}

function verification(step: StepProgress, problems: string[]): PhaseEvidence['verification'] {
  if (step.after === null) return { passed: null, problems: step.error ? [step.error] : [] };
  return { passed: problems.length === 0, problems };
}

function phase(step: StepProgress, deltas: Delta[], problems: string[]): PhaseEvidence {
  const title = STEP_PLAN.find((s) => s.name === step.name)?.title ?? step.name;
  const { name, status, sqlSha256, sql, detail, error, compensation, footprint, compensationFootprint } = step;
  return {
    step: name,
    title,
    status,
    sqlSha256,
    sql,
    detail,
    deltas,
    verification: verification(step, problems),
    error,
    compensation,
    footprint: footprint ?? null,
    compensationFootprint: compensationFootprint ?? null,
  };
}

/**
 * Phase 1: governance_object_ownership 0->30, gap 210->0, conflict 0, gov_emit unchanged, 30 direct + 210 inherited,
 * coverage 100. */
function seedPhase(step: StepProgress, e: Expected): PhaseEvidence {
  const seeded = e.own + e.seed_rows;
  const deltas = metricDeltas(step, [
    ['own', e.own, seeded],
    ['gap', e.gap, 0],
    ['conflict', e.conflict, 0],
    ['gov_emit', e.gov_emit, e.gov_emit],
    ['gov_types_active', 0, 0],
    ['direct', null, seeded],
    ['inherited', null, e.gap],
    ['coverage_pct', null, 100],
  ]);
  const after = step.after;
  const problems = after
    ? [
        ...(everyNumber(after) ? seedMismatches(e, after) : ['the seed did not read every number']),
        ...phase3Mismatches(e, after),
      ]
    : [];
  return phase(step, deltas, problems);
}

/** Phase 2: N candidate_state + M candidate_object per ruleset version, one candidate_scan_run appended. */
function scanPhase(step: StepProgress, e: Expected, input: ReportInput | null): PhaseEvidence {
  const measured = step.after !== null;
  const d = step.detail;
  const states = e.candidate_state ?? input?.scan?.ruleset.domains.length ?? null;
  const deltas = [
    delta('candidate_state', null, states, null, d.candidate_state ?? null, measured && states !== null),
    e.candidate_object !== undefined
      ? delta('candidate_object', null, e.candidate_object, null, d.candidate_object ?? null, measured)
      : // Without a number in the input, the step checked the count against the inventory's (scan/expect.sql).
        {
          ...delta('candidate_object', null, "the inventory's count", null, d.candidate_object ?? null, false),
          ok: measured ? !step.error?.includes('candidate_object') : null,
        },
    delta(
      'candidate_scan_run',
      null,
      '1 appended',
      null,
      typeof d.scanRunId === 'number' && d.scanRunId > 0 ? '1 appended' : null,
      measured,
    ),
    ...metricDeltas(step, [
      ['gov_emit', e.gov_emit, e.gov_emit],
      ['gov_types_active', 0, 0],
    ]),
  ];
  const problems = step.after ? phase3Mismatches(e, step.after) : [];
  return phase(step, deltas, problems);
}

function cursorPhase(step: StepProgress, e: Expected, input: ReportInput | null): PhaseEvidence {
  const to = input?.scan?.snapshotRef ?? (typeof step.detail.to === 'string' ? step.detail.to : null);
  const deltas = [
    // The cursor's value before is evidence even when it was null (never advanced).
    delta(
      'scan_cursor',
      null,
      to,
      step.after ? String(step.detail.from ?? 'null') : null,
      step.detail.to ?? null,
      step.after !== null && to !== null,
    ),
    ...metricDeltas(step, [
      ['gov_emit', e.gov_emit, e.gov_emit],
      ['gov_types_active', 0, 0],
    ]),
  ];
  const problems = step.after ? phase3Mismatches(e, step.after) : [];
  return phase(step, deltas, problems);
}

export function buildPacket(source: PacketSource): Packet {
  const { progress: p, input, execution } = source;
  const e = input?.expected ?? Expected.parse({});
  const [seed, scan, cursor] = p.steps;
  const phases: PhaseEvidence[] = [];
  if (seed) phases.push(seedPhase(seed, e));
  if (scan && scan.status !== 'skipped') phases.push(scanPhase(scan, e, input));
  if (cursor && cursor.status !== 'skipped') phases.push(cursorPhase(cursor, e, input));
  // In the order they were undone: the last step first.
  const undone = p.steps
    .filter((s) => s.compensation !== null || s.status === 'compensating' || s.status === 'compensated')
    .reverse();
  // A rollout cancelled at the gate ends COMPENSATED with nothing undone: no rollback was performed.
  const compensated = p.state === 'COMPENSATING' || undone.length > 0;
  const restoredProblems = compensated && p.baseline && p.metrics ? baselineMismatches(p.baseline, p.metrics) : [];
  const accepted = p.gate.attempts.find((a) => a.outcome === 'accepted');
  return {
    kind: 'rollout-evidence-packet',
    final: TERMINAL_STATES.includes(p.state),
    source: TEMPORAL_SOURCE,
    temporal: { namespace: source.namespace, ...execution, uiUrl: source.uiUrl },
    rollout: {
      rolloutId: p.rolloutId,
      target: p.target,
      apr: p.apr,
      state: p.state,
      reason: p.reason,
      startedAt: p.startedAt,
      updatedAt: p.updatedAt,
    },
    expectedFrom: input ? 'input' : 'packet defaults',
    precondition: {
      rule:
        `os_proposal_approvals >= ${e.ospa_min} for ${p.apr} (L2 quorum + L4 President e-signature): the one ` +
        `human gate`,
      accepted: p.gate.accepted,
      openedBy: p.gate.openedBy,
      acceptedAt: p.gate.acceptedAt,
      ospaAtAcceptance: accepted?.ospa ?? null,
      attempts: p.gate.attempts,
      approvals: source.approvals,
    },
    baseline: p.baseline,
    phases,
    phase3: {
      automated: false,
      gov_types_active: p.metrics?.gov_types_active ?? null,
      gov_emit: p.metrics?.gov_emit ?? null,
      note:
        'emit activation (event_type_registry.active) is a separate governed step: never automated, verified ' +
        'inactive after every step',
    },
    rollback: {
      performed: compensated,
      steps: undone.map((s) => ({ step: s.name, status: s.status, detail: s.compensation })),
      baselineRestored: compensated && p.baseline && p.metrics ? restoredProblems.length === 0 : null,
      problems: restoredProblems,
    },
    manualRollback: {
      rolloutId: p.rolloutId,
      seedCreatedBy: 'F6_OWNERSHIP_SEED_COMMIT',
      cursor: cursorOf(p, input),
    },
    metrics: p.metrics,
    evidence: p.evidence,
    rehearsal: rehearsalOf(input),
  };
}

/** The scan cursor as the scan found it (recorded in its detail): what a revert by hand puts back. */
function cursorOf(p: RolloutProgress, input: ReportInput | null): Packet['manualRollback']['cursor'] {
  const detail = p.steps.find((s) => s.name === 'scan')?.detail;
  if (!input?.scan || !detail || !('cursorFrom' in detail)) return null;
  const from = detail.cursorFrom;
  return {
    name: input.scan.cursorName,
    advancedTo: input.scan.snapshotRef,
    before: { snapshot_ref: typeof from === 'string' ? from : null },
  };
}

function rehearsalOf(input: ReportInput | null): Packet['rehearsal'] {
  const r = input?.rehearsal;
  if (!r) return null;
  const summary: RehearsalSummary =
    'body' in r ? { digest: r.digest, ...(r.body.rollout as object), metrics: r.body.metrics } : r;
  return {
    digest: summary.digest,
    rolloutId: summary.rolloutId ?? '?',
    target: summary.target ?? '?',
    endedAt: summary.endedAt ?? '?',
    metrics: summary.metrics ?? null,
  };
}

/**
 * The report of a stored evidence packet, when Temporal has forgotten the rollout: the same model, the
 * same renderings (Markdown, the page), from what the packet sealed.
 */
export function packetOfEvidence(evidence: Evidence, where: string, namespace: string, uiUrl: string): Packet {
  const b = evidence.body;
  const r = b.rollout;
  const progress: RolloutProgress = {
    workflowId: r.workflowId,
    runId: r.runId,
    rolloutId: r.rolloutId,
    target: r.target,
    apr: r.apr,
    state: r.state,
    reason: r.reason,
    gate: {
      accepted: b.gate.accepted,
      openedBy: b.gate.openedBy,
      acceptedAt: b.gate.acceptedAt,
      attempts: b.gate.attempts,
    },
    steps: b.steps as unknown as StepProgress[],
    baseline: b.baseline as unknown as Metrics | null,
    metrics: b.metrics as unknown as Metrics | null,
    evidence: { digest: evidence.digest, previousDigest: b.previousDigest, where },
    startedAt: r.startedAt,
    updatedAt: r.endedAt,
  };
  const execution: Execution = {
    workflowId: r.workflowId,
    runId: r.runId,
    status: `${r.state} (from the target's ledger; Temporal has no history of it)`,
    taskQueue: 'unknown',
    startTime: r.startedAt,
    closeTime: r.endedAt,
    buildId: r.workerBuild,
  };
  const scan = (b as { scan?: unknown }).scan as RolloutInput['scan'] | null | undefined;
  const input: ReportInput = {
    expected: Expected.parse(b.expected),
    ...(scan ? { scan } : {}),
    ...(b.rehearsal ? { rehearsal: b.rehearsal as unknown as RehearsalSummary } : {}),
  };
  const approvals = b.gate.approvals as Record<string, unknown>[];
  return { ...buildPacket({ progress, input, approvals, execution, namespace, uiUrl }), source: where };
}
