// The rollout's account of itself, kept current for the progress query, Temporal's visibility
// (search attributes) and the UI (current details). Every change goes through here.
import { setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  DETAILS_MEMO,
  RolloutAprAttribute,
  RolloutDatabaseAttribute,
  RolloutStateAttribute,
  RolloutTargetAttribute,
  STEP_NAMES,
  emptyStep,
  everyNumber,
  numbersLine,
  runsStep,
  type GateAttempt,
  type Metrics,
  type RolloutProgress,
  type RolloutState,
  type StepName,
  type StepNumbers,
  type StepProgress,
  type StoredEvidenceRef,
} from '../shared';

/** Untrusted raw input, shortened: it is shown before it is validated. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

const now = () => new Date().toISOString();

export interface Opening {
  target: string;
  apr: string;
  scan: boolean;
}

export class ProgressBook {
  readonly progress: RolloutProgress;
  private details = '';

  constructor({ target, apr, scan }: Opening) {
    const info = workflowInfo();
    this.progress = {
      workflowId: info.workflowId,
      runId: info.runId,
      // Rows are marked with the first run's id so a reset or retried execution still owns them.
      rolloutId: `${info.workflowId}/${info.firstExecutionRunId}`,
      target,
      apr,
      state: 'WAITING_FOR_GATE',
      reason: null,
      gate: { accepted: false, openedBy: null, acceptedAt: null, attempts: [] },
      steps: STEP_NAMES.map((name) => emptyStep(name, runsStep(name, { scan }) ? 'pending' : 'skipped')),
      baseline: null,
      metrics: null,
      evidence: null,
      startedAt: now(),
      updatedAt: now(),
    };
    upsertSearchAttributes([
      { key: RolloutStateAttribute, value: this.progress.state },
      // A keyword is searched whole; an empty one (invalid input) would only match ''.
      { key: RolloutTargetAttribute, value: target || null },
      { key: RolloutAprAttribute, value: apr || null },
    ]);
    this.touch();
  }

  get state(): RolloutState {
    return this.progress.state;
  }

  step(name: StepName): StepProgress {
    const step = this.progress.steps.find((s) => s.name === name);
    if (!step) throw new Error(`no step ${name}`);
    return step;
  }

  /** A new state, searchable at once: `temporal workflow list --query "RolloutState='...'"`. */
  setState(state: RolloutState, reason: string | null = this.progress.reason): void {
    const changed = state !== this.progress.state;
    this.progress.state = state;
    this.progress.reason = reason;
    if (changed) upsertSearchAttributes([{ key: RolloutStateAttribute, value: state }]);
    this.touch();
  }

  /** Ends the rollout's account: steps that never ran are skipped. */
  end(state: RolloutState, reason: string | null): RolloutProgress {
    for (const step of this.progress.steps) if (step.status === 'pending') step.status = 'skipped';
    this.setState(state, reason);
    return this.progress;
  }

  recordAttempt(attempt: Omit<GateAttempt, 'at'>): GateAttempt {
    const recorded = { ...attempt, at: now() };
    this.progress.gate.attempts.push(recorded);
    this.touch();
    return recorded;
  }

  /** The database by its own identity, searchable: how a second rollout for it is found and refused. */
  identify(identity: string): void {
    upsertSearchAttributes([{ key: RolloutDatabaseAttribute, value: identity }]);
  }

  acceptGate(openedBy: string): void {
    this.progress.gate = { ...this.progress.gate, accepted: true, openedBy, acceptedAt: now() };
    this.touch();
  }

  storedEvidence(evidence: StoredEvidenceRef): void {
    this.progress.evidence = evidence;
    this.touch();
  }

  /**
   * The numbers as last read: a step that read Phase 3's alone (its footprint proves it moved no other)
   * leaves the others as the step before it read them.
   */
  measured(numbers: StepNumbers): void {
    const last = this.progress.metrics;
    if (everyNumber(numbers)) this.progress.metrics = numbers;
    else if (last) this.progress.metrics = { ...last, ...numbers };
    this.touch();
  }

  setBaseline(baseline: Metrics): void {
    this.progress.baseline = baseline;
    this.measured(baseline);
  }

  /**
   * Something changed: the timestamp and the UI's current details follow. The details also go to the
   * memo (when they change), so `rollout progress` can show them with no worker to answer a query.
   */
  touch(): void {
    this.progress.updatedAt = now();
    const details = currentDetails(this.progress);
    if (details === this.details) return;
    this.details = details;
    setCurrentDetails(details);
    upsertMemo({ [DETAILS_MEMO]: details });
  }
}

/** The UI's "current details": where the rollout is, in one short paragraph of markdown. */
export function currentDetails(p: RolloutProgress): string {
  const last = p.gate.attempts[p.gate.attempts.length - 1];
  const lastClaim = last ? `; last claim ${last.outcome} (by ${last.by}, ospa=${last.ospa ?? '?'})` : '; no claim yet';
  const steps = p.steps
    .filter((s) => s.status !== 'skipped')
    .map((s) => `${s.name} ${s.status}`)
    .join(', ');
  const m = p.metrics;
  const numbers = m ? numbersLine(m) : 'not measured yet';
  const head: Record<RolloutState, string> = {
    WAITING_FOR_GATE: `**waiting at the gate** for people to ratify ${p.apr}${lastClaim}`,
    RUNNING: `**running**: ${steps}`,
    COMPENSATING: `**compensating**: ${steps}`,
    COMPLETED: `**completed**: ${steps}`,
    COMPENSATED: `**compensated**: ${steps}`,
    FAILED: `**failed**: ${steps}`,
    EXPIRED: '**expired** at the gate: nothing was written',
  };
  return [head[p.state], `numbers: ${numbers}`, ...(p.reason ? [`reason: ${p.reason}`] : [])].join('\n\n');
}
