// The rollout, as the packet tells it: wait at the gate, then seed (and scan, cursor), each verified;
// on cancel or failure, compensate in reverse. Deterministic orchestration only: every read and write
// is an activity (./activities), the gate is ./gate, the saga ./saga, the bookkeeping ./progress.
import { CancellationScope, allHandlersFinished, condition, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CursorRow, NotifyEvent, RunningRollout } from '../activities';
import {
  RolloutInput,
  ErrorType,
  describeIssues,
  endingFailure,
  gateOpenedSignal,
  openGateUpdate,
  progressQuery,
  type RolloutInputDraft,
  type RolloutProgress,
  type RolloutState,
} from '../shared';
import * as proxies from './proxies';
import { gateReads, reads, undo, writes } from './proxies';
import { cursorMismatches, phase3Mismatches, scanMismatches, seedMismatches } from './expectations';
import { failureType, messageOf } from './failure';
import { Gate } from './gate';
import { Notices } from './notices';
import { ProgressBook, text } from './progress';
import { Saga } from './saga';

function anotherRollout(database: string, identity: string, other: { workflowId: string; startTime: string }): string {
  return `another rollout is running for this database (${database}, ${identity}): ${other.workflowId}, started ${other.startTime}; follow it with rollout progress ${other.workflowId}, or cancel it. Nothing was written`;
}

const FINAL_EVENTS: Partial<Record<RolloutState, NotifyEvent>> = {
  COMPLETED: 'completed',
  COMPENSATED: 'compensated',
  FAILED: 'failed',
  EXPIRED: 'expired',
};

/**
 * Returns the final progress when the rollout COMPLETED. Every other ending (COMPENSATED, FAILED,
 * EXPIRED) fails the execution with an ApplicationFailure whose details[0] is the final progress, so
 * Temporal's UI and visibility tell it apart from a completed one (see shared/outcome.ts).
 */
export async function rolloutWorkflow(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const final = await rollout(raw);
  const failure = endingFailure(final);
  if (failure) throw failure;
  return final;
}

/** The rollout itself: every ending returns its final progress. */
async function rollout(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const book = new ProgressBook({ target: text(raw?.target), apr: text(raw?.apr), scan: Boolean(raw?.scan) });
  const notices = new Notices(book.progress);
  const gate = new Gate(book);

  setHandler(progressQuery, () => book.progress, { description: 'the rollout\'s state, gate attempts, steps and numbers' });
  setHandler(openGateUpdate, (claim) => gate.claim(claim), {
    validator: (claim) => gate.validate(claim),
    description: 'claim that people opened the gate; answers the recorded attempt (accepted or refused, with the ospa seen)',
  });
  setHandler(gateOpenedSignal, (claim) => gate.offer(claim), { description: 'the same claim as openGate, unanswered' });

  // Set once the input is valid and as the gate is read: what the evidence packet records at the end.
  let input: RolloutInput | null = null;
  let approvals: Record<string, unknown>[] = [];

  async function finish(state: RolloutState, reason: string | null): Promise<RolloutProgress> {
    const progress = book.end(state, reason);
    gate.dismiss(`the rollout is ${state}: the gate is no longer waiting`);
    if (input) await storeEvidence(input);
    const event = FINAL_EVENTS[state];
    if (event) notices.announce(event);
    await notices.delivered();
    // An answered openGate update is delivered before the execution closes.
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return progress;
  }

  /** The sealed evidence packet, into the target's ledger: it outlives Temporal's retention. */
  async function storeEvidence(valid: RolloutInput): Promise<void> {
    try {
      const stored = await CancellationScope.nonCancellable(() =>
        proxies.evidence.recordEvidence.executeWithOptions({ summary: 'store the sealed evidence packet in the target\'s ledger' }, [
          { target: valid.target, progress: book.progress, input: valid, approvals },
        ]),
      );
      book.storedEvidence(stored);
    } catch (err) {
      book.storedEvidence({ error: `the evidence packet could not be stored: ${messageOf(err)}` });
    }
  }

  const parsed = RolloutInput.safeParse(raw);
  if (!parsed.success) return finish('FAILED', `invalid input, nothing written: ${describeIssues(parsed.error)}`);
  input = parsed.data;
  const { target, apr, expected, scan, seedScript, gateTimeoutMs } = parsed.data;
  // Of two rollouts for one database, the younger yields: the older may already wait at its gate.
  // Compared by the server's start times, as visibility records them.
  const started = workflowInfo().startTime.toISOString();
  const elderOf = (others: RunningRollout[]) =>
    others.find((o) => o.startTime < started || (o.startTime === started && o.workflowId < book.progress.workflowId));

  // One rollout per database, by what the database says it is: a second one is refused here, before its gate.
  let identity = '';
  try {
    const found = await reads.identifyTarget.executeWithOptions({ summary: 'identify the target database (system identifier, oid)' }, [{ target }]);
    identity = found.identity;
    book.identify(identity);
    const other = elderOf(await reads.otherRollouts.executeWithOptions({ summary: 'look for another rollout running for this database' }, [{ target, identity }]));
    if (other) return await finish('FAILED', anotherRollout(found.database, identity, other));
  } catch (err) {
    if (isCancellation(err)) return finish('COMPENSATED', 'cancelled before the gate was accepted: nothing was written, nothing to undo');
    return finish('FAILED', `could not identify the target database: ${messageOf(err)}; nothing was written`);
  }
  notices.announce('waiting-for-gate');

  // The gate: nothing is written before a claim holds against os_proposal_approvals.
  try {
    const opened = await gate.open({
      apr,
      ospa_min: expected.ospa_min,
      timeoutMs: gateTimeoutMs,
      readOspa: async () => {
        const reading = await gateReads.readGate.executeWithOptions({ summary: `read the gate: os_proposal_approvals for ${apr}` }, [{ target, apr }]);
        // The rows as read by the claim that opens the gate are the ones the evidence keeps.
        approvals = reading.approvals;
        return reading.ospa;
      },
      onRefused: () => notices.announce('gate-refused'),
    });
    if (!opened) return await finish('EXPIRED', 'the gate timeout passed without an accepted gate-open claim: nothing was written');
    notices.announce('gate-accepted');
  } catch (err) {
    if (isCancellation(err)) return finish('COMPENSATED', 'cancelled before the gate was accepted: nothing was written, nothing to undo');
    throw err;
  }

  const ours = { target, rolloutId: book.progress.rolloutId };
  const saga = new Saga(book, {
    measure: () => reads.measure.executeWithOptions({ summary: 'measure the packet numbers' }, [{ target, apr }]),
    measureAfterUndo: () => undo.measure.executeWithOptions({ summary: 'measure the numbers after compensation' }, [{ target, apr }]),
    // Phase 3 stays manual. That no step wrote anything outside its footprint (event_outbox, system_issues,
    // approvals, the registry...) each step's own transaction proved before it committed.
    invariants: (_, after) => phase3Mismatches(expected, after),
    remainsAfterUndo: () =>
      undo.remains.executeWithOptions({ summary: 'look for anything this rollout wrote that remains' }, [{ ...ours, scan: Boolean(scan) }]),
  });

  let reason: string;
  let cancelled = false;
  // Production's own script committed a write outside the seed's footprint: compensation cannot undo it.
  let outside = false;
  try {
    book.setState('RUNNING');
    // Every later step's prerequisites and the contract, read before the first write: a rollout that
    // would be refused at the scan or the cursor must not commit its seed first.
    // Two rollouts started in the same instant both pass the check before the gate: the younger yields here.
    const elder = elderOf(await reads.otherRollouts.executeWithOptions({ summary: 'look again for an older rollout running for this database' }, [{ target, identity }]));
    if (elder) return await finish('FAILED', anotherRollout(target, identity, elder));
    const pre = await reads.preflight.executeWithOptions({ summary: 'preflight: the contract and every step\'s prerequisites, read only' }, [parsed.data]);
    if (pre.verdict !== 'GO') return await finish('FAILED', `preflight refused, nothing written: ${pre.refusals.join('; ')}`);
    await saga.measureBaseline();

    await saga.run({
      step: book.step('seed'),
      apply: () =>
        writes.applySeed.executeWithOptions({ summary: `seed (Phase 1): ${expected.seed_rows} F6 ownership rows for ${apr}${seedScript ? ' (production\'s own script, psql)' : ''}` }, [
          { ...ours, apr, expected, ...(seedScript ? { seedScript } : {}) },
        ]),
      verify: (_, after) => seedMismatches(expected, after),
      describe: (r) => ({ inserted: r.inserted, alreadyPresent: r.alreadyPresent, ...(seedScript ? { seedScriptSha256: seedScript.sha256 } : {}) }),
      compensate: async () => {
        const r = await undo.revertSeed.executeWithOptions({ summary: 'compensate seed: delete this rollout\'s ownership rows' }, [ours]);
        return { undone: r.deleted, detail: { deleted: r.deleted, sqlSha256: r.sqlSha256 }, footprint: r.footprint };
      },
    });

    if (scan) {
      let from: CursorRow = { snapshot_ref: null };
      const ruleset = `${scan.ruleset.code} v${scan.ruleset.version}`;
      await saga.run({
        step: book.step('scan'),
        apply: async () => {
          from = await reads.readCursor.executeWithOptions({ summary: `read scan cursor ${scan.cursorName}` }, [{ target, cursorName: scan.cursorName }]);
          return writes.applyScan.executeWithOptions({ summary: `scan (Phase 2): ruleset ${ruleset} at ${scan.snapshotRef}` }, [
            { ...ours, ruleset: scan.ruleset, snapshotRef: scan.snapshotRef },
          ]);
        },
        verify: (r) => scanMismatches(expected, r),
        describe: (r) => ({
          ruleset,
          rulesetCreated: r.rulesetCreated,
          alreadyApplied: r.alreadyApplied,
          candidate_state: r.states,
          candidate_object: r.objects,
          statesInserted: r.statesInserted,
          objectsInserted: r.objectsInserted,
          scanRunId: r.scanRunId,
          snapshotRef: scan.snapshotRef,
        }),
        compensate: async () => {
          const r = await undo.revertScan.executeWithOptions({ summary: 'compensate scan: delete this rollout\'s candidates and scan run' }, [ours]);
          return { undone: r.deleted, detail: { deleted: r.deleted, sqlSha256: r.sqlSha256 }, footprint: r.footprint };
        },
      });

      const move = { ...ours, cursorName: scan.cursorName, from, to: scan.snapshotRef };
      await saga.run({
        step: book.step('cursor'),
        apply: () => writes.advanceCursor.executeWithOptions({ summary: `advance scan cursor ${scan.cursorName} to ${scan.snapshotRef}` }, [move]),
        verify: (r) => cursorMismatches(scan.snapshotRef, r),
        describe: (r) => ({ from: from.snapshot_ref, to: scan.snapshotRef, changed: r.changed }),
        compensate: async () => {
          const r = await undo.revertCursor.executeWithOptions({ summary: `compensate cursor: put ${scan.cursorName} back` }, [move]);
          return { undone: r.changed ? 1 : 0, detail: { restored: r.changed, cursor: r.current }, footprint: r.footprint };
        },
      });
    }
    return await finish('COMPLETED', null);
  } catch (err) {
    cancelled = isCancellation(err);
    outside = failureType(err) === ErrorType.WroteOutsideFootprint;
    reason = cancelled ? 'cancelled by request' : messageOf(err);
  }

  book.setState('COMPENSATING', reason);
  notices.announce('compensating');
  const { undone, problems } = await saga.compensate();

  if (problems.length > 0) return finish('FAILED', `${reason}; compensation could not verify: ${problems.join('; ')}`);
  if (outside) return finish('FAILED', `${reason}; ${undone} row(s) undone`);
  if (cancelled) return finish('COMPENSATED', `${reason}: ${undone} row(s) undone, baseline verified`);
  if (undone === 0) return finish('FAILED', `${reason}; nothing was written, nothing needed undoing`);
  return finish('COMPENSATED', `${reason}; ${undone} row(s) undone, baseline verified`);
}
