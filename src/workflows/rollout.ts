// Deterministic orchestration only: every read and write is an activity.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { CursorRow, NotifyEvent, RolloutActivities } from '../activities';
import type { Executed } from '../db/sql';
import {
  ErrorType,
  GateClaim,
  RolloutInput,
  describeIssues,
  gateOpenedSignal,
  progressQuery,
  type GateAttempt,
  type Metrics,
  type RolloutInputDraft,
  type RolloutProgress,
  type RolloutState,
  type StepName,
  type StepProgress,
} from '../shared';
import { baselineMismatches, cursorMismatches, phase3Mismatches, scanMismatches, sealedMismatches, seedMismatches } from './expectations';

const transient: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' };

/** A gate claim is answered promptly: an unreadable gate is a refused claim, not a stuck rollout. */
const gate = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...transient, maximumAttempts: 3 },
});
const reads = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { ...transient, maximumAttempts: 20 },
});
/**
 * A cancelled write step is awaited to its end (commit or rollback) before compensation starts,
 * so a compensation never runs ahead of the transaction it undoes.
 */
const writes = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...transient, maximumAttempts: 20 },
});
/** Compensations retry until they succeed; only a guard refusal (CompensationRefused) stops one. */
const undo = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { ...transient, maximumInterval: '1 minute' },
});

/** Notifications are retried a little and never hold a step back: they are awaited only at the end. */
const notices = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { ...transient, maximumAttempts: 5 },
});

const FINAL_EVENTS: Partial<Record<RolloutState, NotifyEvent>> = {
  COMPLETED: 'completed',
  COMPENSATED: 'compensated',
  FAILED: 'failed',
  EXPIRED: 'expired',
};

type Detail = StepProgress['detail'];

interface Compensation {
  step: StepProgress;
  run: () => Promise<{ undone: number; detail: Detail }>;
}

function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function newStep(name: StepName, enabled: boolean): StepProgress {
  return {
    name,
    status: enabled ? 'pending' : 'skipped',
    before: null,
    after: null,
    sqlSha256: null,
    sql: [],
    detail: {},
    compensation: null,
    error: null,
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

export async function rolloutWorkflow(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const info = workflowInfo();
  // Rows are marked with the first run's id so a reset or retried execution still owns them.
  const rolloutId = `${info.workflowId}/${info.firstExecutionRunId}`;
  const now = () => new Date().toISOString();
  const progress: RolloutProgress = {
    workflowId: info.workflowId,
    runId: info.runId,
    rolloutId,
    target: text(raw?.target),
    apr: text(raw?.apr),
    state: 'WAITING_FOR_GATE',
    reason: null,
    gate: { accepted: false, openedBy: null, acceptedAt: null, attempts: [] },
    steps: [newStep('seed', true), newStep('scan', Boolean(raw?.scan)), newStep('cursor', Boolean(raw?.scan))],
    baseline: null,
    metrics: null,
    startedAt: now(),
    updatedAt: now(),
  };
  const [seedStep, scanStep, cursorStep] = progress.steps as [StepProgress, StepProgress, StepProgress];
  const claims: GateClaim[] = [];
  const record = (attempt: Omit<GateAttempt, 'at'>) => {
    progress.gate.attempts.push({ ...attempt, at: now() });
    progress.updatedAt = now();
  };

  setHandler(progressQuery, () => progress);
  setHandler(gateOpenedSignal, (claim) => {
    const parsed = GateClaim.safeParse(claim);
    if (!parsed.success) {
      record({ id: text(claim?.id), by: text(claim?.by), ospa: null, outcome: 'ignored', reason: `malformed claim: ${describeIssues(parsed.error)}` });
    } else if (progress.state !== 'WAITING_FOR_GATE') {
      record({ ...parsed.data, ospa: null, outcome: 'ignored', reason: `the rollout is ${progress.state}: the gate is no longer waiting` });
    } else {
      claims.push(parsed.data);
    }
  });

  const pendingNotices: Promise<unknown>[] = [];
  // Shielded: the events of a cancelled rollout (compensating, compensated) are the ones that matter most.
  const announce = (event: NotifyEvent) => {
    const { workflowId, target, apr, state, reason, metrics } = progress;
    const delivery = CancellationScope.nonCancellable(() => notices.notify({ event, workflowId, target, apr, state, reason, metrics }));
    pendingNotices.push(delivery.catch(() => undefined));
  };

  const finish = async (state: RolloutState, reason: string | null): Promise<RolloutProgress> => {
    for (const step of progress.steps) if (step.status === 'pending') step.status = 'skipped';
    progress.state = state;
    progress.reason = reason;
    progress.updatedAt = now();
    const event = FINAL_EVENTS[state];
    if (event) announce(event);
    await CancellationScope.nonCancellable(() => Promise.all(pendingNotices));
    return progress;
  };

  const parsed = RolloutInput.safeParse(raw);
  if (!parsed.success) return finish('FAILED', `invalid input, nothing written: ${describeIssues(parsed.error)}`);
  const input = parsed.data;
  const { target, apr, expected, scan } = input;
  announce('waiting-for-gate');

  // The gate: each claim is checked against os_proposal_approvals; nothing is written before one holds.
  async function waitForGate(): Promise<boolean> {
    const deadline = input.gateTimeoutMs === undefined ? undefined : Date.now() + input.gateTimeoutMs;
    for (;;) {
      if (deadline === undefined) {
        await condition(() => claims.length > 0);
      } else {
        const left = deadline - Date.now();
        if (left <= 0 || !(await condition(() => claims.length > 0, left))) return false;
      }
      // A flood of claims costs one read of the system of record, not one each.
      const batch = claims.splice(0);
      let ospa: number | null = null;
      let unreadable = '';
      try {
        ospa = (await gate.readGate({ target, apr })).ospa;
      } catch (err) {
        if (isCancellation(err)) throw err;
        unreadable = `could not read os_proposal_approvals: ${messageOf(err)}`;
      }
      const accepted = ospa !== null && ospa >= expected.ospaMin;
      batch.forEach((claim, index) => {
        if (accepted && index === 0) {
          record({ ...claim, ospa, outcome: 'accepted', reason: `ospa=${ospa} for ${apr}` });
        } else if (accepted) {
          record({ ...claim, ospa, outcome: 'ignored', reason: 'the gate was accepted by an earlier claim' });
        } else {
          const why = unreadable || `ospa=${ospa ?? 0} for ${apr}, needs >= ${expected.ospaMin}: only people open the gate`;
          record({ ...claim, ospa, outcome: 'refused', reason: why });
        }
      });
      if (accepted && batch[0]) {
        // Claims that arrived while the gate was being read: answered too, never silently dropped.
        for (const late of claims.splice(0)) {
          record({ ...late, ospa: null, outcome: 'ignored', reason: 'the gate was accepted by an earlier claim' });
        }
        progress.gate = { ...progress.gate, accepted: true, openedBy: batch[0].by, acceptedAt: now() };
        announce('gate-accepted');
        return true;
      }
      announce('gate-refused');
    }
  }

  try {
    if (!(await waitForGate())) {
      return await finish('EXPIRED', 'the gate timeout passed without an accepted gate-open claim: nothing was written');
    }
  } catch (err) {
    if (isCancellation(err)) return finish('COMPENSATED', 'cancelled before the gate was accepted: nothing was written, nothing to undo');
    throw err;
  }

  // Registered before each step runs: a step can commit and still be reported failed or timed out.
  const compensations: Compensation[] = [];
  let baseline: Metrics | null = null;

  async function runStep<T extends Executed>(
    step: StepProgress,
    compensation: Compensation['run'],
    apply: () => Promise<T>,
    verify: (result: T, after: Metrics) => string[],
    describe: (result: T) => Detail,
  ): Promise<T> {
    compensations.unshift({ step, run: compensation });
    step.status = 'running';
    step.before = progress.metrics;
    progress.updatedAt = now();
    try {
      const result = await apply();
      step.sql = result.sql;
      step.sqlSha256 = result.sqlSha256;
      step.detail = describe(result);
      const after = await reads.measure({ target, apr });
      step.after = after;
      progress.metrics = after;
      const problems = [...verify(result, after), ...phase3Mismatches(expected, after), ...sealedMismatches(step.before ?? after, after)];
      if (problems.length > 0) {
        throw ApplicationFailure.nonRetryable(`${step.name} verification failed: ${problems.join('; ')}`, ErrorType.VerificationFailed);
      }
      step.status = 'done';
      progress.updatedAt = now();
      return result;
    } catch (err) {
      step.status = 'failed';
      step.error = isCancellation(err) ? 'cancelled' : messageOf(err);
      throw err;
    }
  }

  let reason = '';
  let cancelled = false;
  try {
    progress.state = 'RUNNING';
    // Every later step's prerequisites and the contract, read before the first write: a rollout that
    // would be refused at the scan or the cursor must not commit its seed first.
    const pre = await reads.preflight(input);
    if (pre.verdict !== 'GO') {
      return await finish('FAILED', `preflight refused, nothing written: ${pre.refusals.join('; ')}`);
    }
    baseline = await reads.measure({ target, apr });
    progress.baseline = baseline;
    progress.metrics = baseline;

    const rollout = { target, rolloutId };
    await runStep(
      seedStep,
      async () => {
        const r = await undo.revertSeed(rollout);
        return { undone: r.deleted, detail: { deleted: r.deleted, sqlSha256: r.sqlSha256 } };
      },
      () => writes.applySeed({ ...rollout, apr, expected, ...(input.seedScript ? { seedScript: input.seedScript } : {}) }),
      (_, after) => seedMismatches(expected, after),
      (r) => ({ inserted: r.inserted, alreadyPresent: r.alreadyPresent, ...(input.seedScript ? { seedScriptSha256: input.seedScript.sha256 } : {}) }),
    );

    if (scan) {
      let from: CursorRow = { snapshot_ref: null };
      await runStep(
        scanStep,
        async () => {
          const r = await undo.revertScan(rollout);
          return { undone: r.deleted, detail: { deleted: r.deleted, sqlSha256: r.sqlSha256 } };
        },
        async () => {
          from = await reads.readCursor({ target, cursorName: scan.cursorName });
          return writes.applyScan({ ...rollout, ruleset: scan.ruleset, snapshotRef: scan.snapshotRef });
        },
        (r) => scanMismatches(expected, r),
        (r) => ({
          ruleset: `${scan.ruleset.code} v${scan.ruleset.version}`,
          rulesetCreated: r.rulesetCreated,
          alreadyApplied: r.alreadyApplied,
          candidate_state: r.states,
          candidate_object: r.objects,
          statesInserted: r.statesInserted,
          objectsInserted: r.objectsInserted,
          scanRunId: r.scanRunId,
          snapshotRef: scan.snapshotRef,
        }),
      );

      const move = { ...rollout, cursorName: scan.cursorName, from, to: scan.snapshotRef };
      await runStep(
        cursorStep,
        async () => {
          const r = await undo.revertCursor(move);
          return { undone: r.changed ? 1 : 0, detail: { restored: r.changed, cursor: r.current } };
        },
        () => writes.advanceCursor(move),
        (r) => cursorMismatches(scan.snapshotRef, r),
        (r) => ({ from: from.snapshot_ref, to: scan.snapshotRef, changed: r.changed }),
      );
    }
    return await finish('COMPLETED', null);
  } catch (err) {
    cancelled = isCancellation(err);
    reason = cancelled ? 'cancelled by request' : messageOf(err);
  }

  // Compensation: reverse order, shielded from the cancellation that may have caused it.
  progress.state = 'COMPENSATING';
  progress.reason = reason;
  progress.updatedAt = now();
  announce('compensating');
  const { undone, problems } = await CancellationScope.nonCancellable(async () => {
    let total = 0;
    const issues: string[] = [];
    for (const { step, run } of compensations) {
      step.status = 'compensating';
      progress.updatedAt = now();
      try {
        const r = await run();
        total += r.undone;
        step.compensation = r.detail;
        step.status = 'compensated';
      } catch (err) {
        step.status = 'failed';
        issues.push(`${step.name} compensation refused: ${messageOf(err)}`);
      }
    }
    if (baseline) {
      const after = await undo.measure({ target, apr });
      progress.metrics = after;
      issues.push(...baselineMismatches(baseline, after).map((m) => `baseline not restored: ${m}`));
    }
    return { undone: total, problems: issues };
  });

  if (problems.length > 0) return finish('FAILED', `${reason}; compensation could not verify: ${problems.join('; ')}`);
  if (cancelled) return finish('COMPENSATED', `${reason}: ${undone} row(s) undone, baseline verified`);
  if (undone === 0) return finish('FAILED', `${reason}; nothing was written, nothing needed undoing`);
  return finish('COMPENSATED', `${reason}; ${undone} row(s) undone, baseline verified`);
}
