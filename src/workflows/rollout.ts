// The rollout, as the packet tells it: wait at the gate, then the steps in order through the saga, each
// self-guarded, verified and footprint-proven; on cancel or failure, compensate in reverse. Orchestration
// only: the steps are src/steps behind activities; every ending is ./ending.
import { isCancellation, setHandler } from '@temporalio/workflow';
import {
  RolloutInput,
  STEP_NAMES,
  describeIssues,
  endingFailure,
  gateOpenedSignal,
  openGateUpdate,
  progressQuery,
  runsStep,
  stepInputOf,
  type RolloutInputDraft,
  type RolloutProgress,
} from '../shared';
import { OnePerDatabase } from './database';
import { CANCELLED_BEFORE_GATE, Ending } from './ending';
import { Gate, ospaOf } from './gate';
import { ProgressBook, text } from './progress';
import { preflight } from './preflight';
import { Saga } from './saga';

/** COMPLETED returns the final progress; every other ending fails the execution with it (shared/outcome.ts). */
export async function rolloutWorkflow(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const final = await rollout(raw);
  const failure = endingFailure(final);
  if (failure) throw failure;
  return final;
}

async function rollout(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const book = new ProgressBook({ target: text(raw?.target), apr: text(raw?.apr), scan: Boolean(raw?.scan) });
  const gate = new Gate(book);
  const end = new Ending(book, gate);
  setHandler(progressQuery, () => book.progress, { description: "the rollout's state, gate attempts, steps, numbers" });
  const validator = (claim: unknown) => gate.validate(claim);
  const description = 'claim that people opened the gate; answers the attempt (accepted or refused, the ospa seen)';
  setHandler(openGateUpdate, (claim) => gate.claim(claim), { validator, description });
  setHandler(gateOpenedSignal, (claim) => gate.offer(claim), { description: 'the same claim as openGate, unanswered' });

  const parsed = RolloutInput.safeParse(raw);
  if (!parsed.success) return end.with('FAILED', `invalid input, nothing written: ${describeIssues(parsed.error)}`);
  const input = (end.input = parsed.data);
  const { target, apr, expected } = input;
  const database = new OnePerDatabase(book, target);
  try {
    const other = await database.check();
    if (other) return await end.with('FAILED', other);
    end.notices.announce('waiting-for-gate');
    // The gate: nothing is written before a claim holds against os_proposal_approvals.
    const readOspa = ospaOf(target, apr, (approvals) => (end.approvals = approvals));
    const onRefused = () => end.notices.announce('gate-refused');
    const expired = 'the gate timeout passed without an accepted gate-open claim: nothing was written';
    const rule = { apr, ospa_min: expected.ospa_min, timeoutMs: input.gateTimeoutMs, readOspa, onRefused };
    if (!(await gate.open(rule))) return await end.with('EXPIRED', expired);
    end.notices.announce('gate-accepted');
  } catch (err) {
    if (isCancellation(err)) return end.with('COMPENSATED', CANCELLED_BEFORE_GATE);
    throw err;
  }

  const saga = new Saga(book, { target, rolloutId: book.progress.rolloutId, input: stepInputOf(input) });
  try {
    book.setState('RUNNING');
    const refused = await preflight(book, database, input);
    if (refused) return await end.with('FAILED', refused);
    for (const name of STEP_NAMES.filter((n) => runsStep(n, input))) await saga.run(name);
    return await end.with('COMPLETED', null);
  } catch (err) {
    return end.compensated(err, () => saga.compensate());
  }
}
