// The evidence packet of one rollout, as stored in the target's ledger when it ends: everything a
// governance review needs without Temporal's history, in a form that proves itself (seal.ts).
import type { Expected, RolloutInput } from '../shared/input';
import type { GateAttempt, RolloutProgress, StepProgress } from '../shared/progress';
import { canonical, seal, verifySealed, type Json, type Sealed } from './seal';

export const EVIDENCE_SCHEMA = 'governed-rollout/evidence/v1';

/** What the rollout's code runs for each step, by digest: equal digests, the same SQL. */
export interface PlannedSql {
  contract: string;
  seed: string;
  scan: string | null;
  cursor: string | null;
  compensation: string;
}

export interface EvidenceBody {
  [key: string]: Json;
  schema: string;
  rollout: Pick<
    RolloutProgress,
    'workflowId' | 'runId' | 'rolloutId' | 'target' | 'apr' | 'state' | 'reason' | 'startedAt'
  > & {
    endedAt: string;
    workerBuild: string | null;
  };
  gate: {
    accepted: boolean;
    openedBy: string | null;
    acceptedAt: string | null;
    /** The approval rows for the APR as read when the gate was accepted, whole. */
    approvals: Json[];
    attempts: GateAttempt[] & Json[];
  };
  digests: PlannedSql & { [key: string]: Json; seedScript: string | null };
  expected: Expected & { [key: string]: Json };
  /**
   * The scan the run was started with (ruleset, snapshot ref, cursor), or null (absent in packets before it was kept).
   * */
  scan: Json;
  baseline: Json;
  steps: Json[];
  metrics: Json;
  /** The clone rehearsal this production run required, by its digest and numbers; null when none. */
  rehearsal: Json;
  /** The digest of the packet stored before this one for the same target (null for the first). */
  previousDigest: string | null;
}

export type Evidence = Sealed<EvidenceBody>;

function step(s: StepProgress): Json {
  const { name, status, before, after, detail, compensation, sqlSha256, sql, footprint, compensationFootprint, error } =
    s;
  return {
    name,
    status,
    before,
    after,
    detail,
    compensation,
    sqlSha256,
    sql,
    footprint,
    compensationFootprint,
    error,
  } as unknown as Json;
}

export interface EvidenceSource {
  progress: RolloutProgress;
  input: RolloutInput;
  approvals: Json[];
  planned: PlannedSql;
  workerBuild: string | null;
  previousDigest: string | null;
  rehearsal: Evidence | null;
}

export function buildEvidence(src: EvidenceSource): Evidence {
  const { progress: p, input } = src;
  const body: EvidenceBody = {
    schema: EVIDENCE_SCHEMA,
    rollout: {
      workflowId: p.workflowId,
      runId: p.runId,
      rolloutId: p.rolloutId,
      target: p.target,
      apr: p.apr,
      state: p.state,
      reason: p.reason,
      startedAt: p.startedAt,
      endedAt: p.updatedAt,
      workerBuild: src.workerBuild,
    },
    gate: {
      accepted: p.gate.accepted,
      openedBy: p.gate.openedBy,
      acceptedAt: p.gate.acceptedAt,
      approvals: src.approvals,
      attempts: p.gate.attempts as GateAttempt[] & Json[],
    },
    digests: { ...src.planned, seedScript: input.seedScript?.sha256 ?? null },
    expected: input.expected,
    scan: input.scan ?? null,
    baseline: p.baseline as unknown as Json,
    steps: p.steps.map(step),
    metrics: p.metrics as unknown as Json,
    rehearsal: src.rehearsal
      ? {
          digest: src.rehearsal.digest,
          rolloutId: src.rehearsal.body.rollout.rolloutId,
          target: src.rehearsal.body.rollout.target,
          state: src.rehearsal.body.rollout.state,
          endedAt: src.rehearsal.body.rollout.endedAt,
          metrics: src.rehearsal.body.metrics,
          steps: src.rehearsal.body.steps,
        }
      : null,
    previousDigest: src.previousDigest,
  };
  return seal(body);
}

export interface RehearsalRule {
  /** The oldest a rehearsal may be, in days. */
  maxAgeDays: number;
}

/**
 * Why a rehearsal's evidence does not stand for this production run: edited, not completed, other SQL,
 * another contract, other expected numbers, or too old. Empty when it stands.
 */
export function rehearsalProblems(
  rehearsal: unknown,
  planned: PlannedSql,
  expected: Expected,
  rule: RehearsalRule,
  now: Date,
): string[] {
  const verdict = verifySealed(rehearsal);
  if (!verdict.ok) return [`rehearsal evidence is not intact: ${verdict.field} ${verdict.problem}`];
  const body = (rehearsal as Evidence).body;
  if (body.schema !== EVIDENCE_SCHEMA) return [`rehearsal evidence has schema ${body.schema}, not ${EVIDENCE_SCHEMA}`];
  const problems: string[] = [];
  if (body.rollout.state !== 'COMPLETED')
    problems.push(`the rehearsal ${body.rollout.rolloutId} ended ${body.rollout.state}, not COMPLETED`);
  for (const key of ['contract', 'seed', 'scan', 'cursor', 'compensation'] as const) {
    if (body.digests[key] !== planned[key]) {
      problems.push(
        `the rehearsal ran other ${key === 'contract' ? 'contract' : `${key} SQL`} (sha256 ` +
          `${String(body.digests[key]).slice(0, 12)}, this run ${String(planned[key]).slice(0, 12)})`,
      );
    }
  }
  if (canonical(body.expected) !== canonical(expected)) {
    problems.push(
      `the rehearsal expected other numbers (${canonical(body.expected)}, this run ${canonical(expected)})`,
    );
  }
  const age = (now.getTime() - Date.parse(body.rollout.endedAt)) / 86_400_000;
  if (!(age <= rule.maxAgeDays))
    problems.push(`the rehearsal ended ${body.rollout.endedAt}, more than ${rule.maxAgeDays} days ago`);
  return problems;
}
