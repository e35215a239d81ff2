// What `rollout progress` answers and the workflow returns: the rollout's own account of itself.
import type { FootprintProof } from './footprint';

export const ROLLOUT_STATES = [
  'WAITING_FOR_GATE',
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'FAILED',
  'EXPIRED',
] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
export const TERMINAL_STATES: readonly RolloutState[] = ['COMPLETED', 'COMPENSATED', 'FAILED', 'EXPIRED'];

/**
 * The plan of steps, in the packet's order: each with its heading and when a rollout runs it. The steps
 * themselves are src/steps (one module each); the workflow and its progress know them by this list only.
 */
export const STEP_PLAN = [
  { name: 'seed', title: 'Phase 1 — Ownership seed', runs: 'always' },
  { name: 'scan', title: 'Phase 2 — Candidate/scan materialization', runs: 'with --scan' },
  { name: 'cursor', title: 'Cursor advance', runs: 'with --scan' },
] as const;
export type StepName = (typeof STEP_PLAN)[number]['name'];
export const STEP_NAMES: readonly StepName[] = STEP_PLAN.map((s) => s.name);

/** Whether a rollout started with this input runs the step. */
export function runsStep(name: StepName, input: { scan?: unknown }): boolean {
  const planned = STEP_PLAN.find((s) => s.name === name);
  return planned?.runs === 'always' || (planned?.runs === 'with --scan' && Boolean(input.scan));
}
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'compensating' | 'compensated';

/** The packet's numbers, as last measured. */
export interface Metrics {
  ospa: number;
  own: number;
  gap: number;
  conflict: number;
  gov_emit: number;
  gov_types_active: number;
  direct: number;
  inherited: number;
  coverage_pct: number;
}

/**
 * Phase 3's numbers, which every step verifies before its COMMIT. The scan and the cursor read only these:
 * their footprint proves they write none of the tables the other numbers count.
 */
export type Phase3Numbers = Pick<Metrics, 'gov_emit' | 'gov_types_active'>;

/** The numbers a step read before its COMMIT: every number (the seed), or Phase 3's. */
export type StepNumbers = Metrics | Phase3Numbers;

export function everyNumber(numbers: StepNumbers): numbers is Metrics {
  return 'own' in numbers;
}

/** A SQL script a step executed, hashed as Sqitch records its scripts. */
export interface SqlRef {
  name: string;
  sha256: string;
}

/** What a write step executed: each script's hash, and one digest over them in order, for the report. */
export interface Executed {
  sql: SqlRef[];
  sqlSha256: string;
}

export interface StepProgress {
  name: StepName;
  status: StepStatus;
  before: Metrics | null;
  after: StepNumbers | null;
  /** SHA-256 over every script the step's apply executed, in order. */
  sqlSha256: string | null;
  sql: SqlRef[];
  detail: Record<string, number | string | boolean | null>;
  compensation: Record<string, number | string | boolean | null> | null;
  /** What the step's transaction was proven to write: declared beside measured, every relation. */
  footprint: FootprintProof | null;
  /** The same for its compensation. */
  compensationFootprint: FootprintProof | null;
  error: string | null;
}

/** A step nothing has happened to yet: pending, or skipped when the rollout does not run it. */
export function emptyStep(
  name: StepName,
  status: Extract<StepStatus, 'pending' | 'skipped'> = 'pending',
): StepProgress {
  const nothing = { before: null, after: null, sqlSha256: null, compensation: null, footprint: null, error: null };
  return { name, status, ...nothing, sql: [], detail: {}, compensationFootprint: null };
}

export type GateOutcome = 'accepted' | 'refused' | 'ignored';

export interface GateAttempt {
  id: string;
  by: string;
  at: string;
  ospa: number | null;
  outcome: GateOutcome;
  reason: string;
}

export interface RolloutProgress {
  workflowId: string;
  runId: string;
  rolloutId: string;
  target: string;
  apr: string;
  state: RolloutState;
  reason: string | null;
  gate: {
    accepted: boolean;
    openedBy: string | null;
    acceptedAt: string | null;
    attempts: GateAttempt[];
  };
  steps: StepProgress[];
  baseline: Metrics | null;
  metrics: Metrics | null;
  /** Where the sealed evidence packet was stored when the rollout ended (or why it could not be). */
  evidence: StoredEvidenceRef | null;
  startedAt: string;
  updatedAt: string;
}

export type StoredEvidenceRef = { digest: string; previousDigest: string | null; where: string } | { error: string };
