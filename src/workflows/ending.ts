// How a rollout ends, whatever the ending: its state and reason, the gate's pending claims answered, the
// sealed evidence stored in the target's ledger, people notified, every handler finished. Each ending is
// written once, here.
import { CancellationScope, allHandlersFinished, condition, isCancellation } from '@temporalio/workflow';
import type { NotifyEvent } from '../activities';
import { ErrorType, type RolloutInput, type RolloutProgress, type RolloutState } from '../shared';
import { failureType, messageOf } from './failure';
import type { Gate } from './gate';
import { Notices } from './notices';
import type { ProgressBook } from './progress';
import * as proxies from './proxies';
import type { Compensated } from './saga';

const FINAL_EVENTS: Partial<Record<RolloutState, NotifyEvent>> = {
  COMPLETED: 'completed',
  COMPENSATED: 'compensated',
  FAILED: 'failed',
  EXPIRED: 'expired',
};

export const CANCELLED_BEFORE_GATE = 'cancelled before the gate was accepted: nothing was written, nothing to undo';

export class Ending {
  readonly notices: Notices;
  /** Set once the input is valid, and as the gate is read: what the evidence packet records. */
  input: RolloutInput | null = null;
  approvals: Record<string, unknown>[] = [];

  constructor(
    private readonly book: ProgressBook,
    private readonly gate: Gate,
  ) {
    this.notices = new Notices(book.progress);
  }

  async with(state: RolloutState, reason: string | null): Promise<RolloutProgress> {
    const progress = this.book.end(state, reason);
    this.gate.dismiss(`the rollout is ${state}: the gate is no longer waiting`);
    const event = FINAL_EVENTS[state];
    if (event) this.notices.last(event);
    if (this.input) await this.storeEvidence(this.input);
    await this.notices.delivered();
    // An answered openGate update is delivered before the execution closes.
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return progress;
  }

  /** A failure or a cancellation after the gate: the saga has compensated what was written. */
  async compensated(err: unknown, compensate: () => Promise<Compensated>): Promise<RolloutProgress> {
    const cancelled = isCancellation(err);
    const reason = cancelled ? 'cancelled by request' : messageOf(err);
    this.book.setState('COMPENSATING', reason);
    this.notices.announce('compensating');
    const { undone, problems } = await compensate();
    if (problems.length > 0)
      return this.with('FAILED', `${reason}; compensation could not verify: ${problems.join('; ')}`);
    if (cancelled) return this.with('COMPENSATED', `${reason}: ${undone} row(s) undone, baseline verified`);
    // Production's own script committed a write outside the seed's footprint: no compensation undoes that.
    if (failureType(err) === ErrorType.WroteOutsideFootprint)
      return this.with('FAILED', `${reason}; ${undone} row(s) undone`);
    if (undone === 0) return this.with('FAILED', `${reason}; nothing was written, nothing needed undoing`);
    return this.with('COMPENSATED', `${reason}; ${undone} row(s) undone, baseline verified`);
  }

  /** The sealed evidence packet, into the target's ledger: it outlives Temporal's retention. */
  private async storeEvidence(input: RolloutInput): Promise<void> {
    try {
      const stored = await CancellationScope.nonCancellable(() =>
        proxies.evidence.recordEvidence.executeWithOptions(
          { summary: "store the sealed evidence packet in the target's ledger" },
          [{ target: input.target, progress: this.book.progress, input, approvals: this.approvals }],
        ),
      );
      this.book.storedEvidence(stored);
    } catch (err) {
      this.book.storedEvidence({ error: `the evidence packet could not be stored: ${messageOf(err)}` });
    }
  }
}
