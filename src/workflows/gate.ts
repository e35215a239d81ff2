// The one human gate. A claim (openGate update or gateOpened signal) is only a claim: it is checked
// against os_proposal_approvals, and nothing is written before one holds.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { GateClaim, describeIssues, type GateAttempt } from '../shared';
import { messageOf } from './failure';
import { text, type ProgressBook } from './progress';
import { gateReads } from './proxies';

/**
 * Reads the system of record for a claim, keeping the approval rows it saw (the evidence's, when it opens the gate). */
export function ospaOf(
  target: string,
  apr: string,
  keep: (approvals: Record<string, unknown>[]) => void,
): () => Promise<number> {
  return async () => {
    const reading = await gateReads.readGate.executeWithOptions(
      { summary: `read the gate: os_proposal_approvals for ${apr}` },
      [{ target, apr }],
    );
    keep(reading.approvals);
    return reading.ospa;
  };
}

interface Pending {
  claim: GateClaim;
  answer?: GateAttempt;
}

export interface GateRule {
  apr: string;
  ospa_min: number;
  /** The number of approvals now, from the system of record. */
  readOspa: () => Promise<number>;
  /** Milliseconds to wait for an accepted claim; undefined waits for ever. */
  timeoutMs?: number;
  onRefused?: () => void;
}

export class Gate {
  /** Claims not yet checked, and those being checked now: each gets an answer, whatever happens. */
  private queued: Pending[] = [];
  private checking: Pending[] = [];

  constructor(private readonly book: ProgressBook) {}

  private get waiting(): boolean {
    return this.book.state === 'WAITING_FOR_GATE' && !this.book.progress.gate.accepted;
  }

  /** The update's validator: a rejected claim leaves nothing in history. Throws to reject. */
  validate(raw: unknown): void {
    const parsed = GateClaim.safeParse(raw);
    if (!parsed.success) throw new Error(`malformed claim: ${describeIssues(parsed.error)}`);
    if (!this.waiting) throw new Error(`the rollout is ${this.book.state}: the gate is no longer waiting`);
  }

  /** The update: resolves with this claim's recorded attempt once it has been checked. */
  async claim(claim: GateClaim): Promise<GateAttempt> {
    const pending: Pending = { claim };
    this.queued.push(pending);
    // Not cancelled with the rollout: a claim still pending then is answered by dismiss().
    await CancellationScope.nonCancellable(() => condition(() => pending.answer !== undefined));
    return pending.answer as GateAttempt;
  }

  /** The signal: no one waits for the answer, so a claim it cannot take is recorded as ignored. */
  offer(raw: unknown): void {
    const parsed = GateClaim.safeParse(raw);
    const claim = raw as Partial<GateClaim> | undefined;
    if (!parsed.success) {
      this.book.recordAttempt({
        id: text(claim?.id),
        by: text(claim?.by),
        ospa: null,
        outcome: 'ignored',
        reason: `malformed claim: ${describeIssues(parsed.error)}`,
      });
    } else if (!this.waiting) {
      this.book.recordAttempt({
        ...parsed.data,
        ospa: null,
        outcome: 'ignored',
        reason: `the rollout is ${this.book.state}: the gate is no longer waiting`,
      });
    } else {
      this.queued.push({ claim: parsed.data });
    }
  }

  /** Answers every claim still pending as ignored (the rollout moved on or ended). */
  dismiss(reason: string): void {
    for (const pending of [...this.checking, ...this.queued]) {
      pending.answer = this.book.recordAttempt({ ...pending.claim, ospa: null, outcome: 'ignored', reason });
    }
    this.checking = [];
    this.queued = [];
  }

  /** Waits for claims and checks them; true once one is accepted, false when the timeout passes first. */
  async open(rule: GateRule): Promise<boolean> {
    const deadline = rule.timeoutMs === undefined ? undefined : Date.now() + rule.timeoutMs;
    for (;;) {
      const arrived = () => this.queued.length > 0;
      if (deadline === undefined) {
        await condition(arrived);
      } else {
        const left = deadline - Date.now();
        if (left <= 0 || !(await condition(arrived, left))) return false;
      }
      // A flood of claims costs one read of the system of record, not one each.
      this.checking = this.queued.splice(0);
      let ospa: number | null = null;
      let unreadable = '';
      try {
        ospa = await rule.readOspa();
      } catch (err) {
        if (isCancellation(err)) throw err;
        unreadable = `could not read os_proposal_approvals: ${messageOf(err)}`;
      }
      const accepted = ospa !== null && ospa >= rule.ospa_min;
      const [first] = this.checking;
      for (const pending of this.checking) {
        const outcome = !accepted ? 'refused' : pending === first ? 'accepted' : 'ignored';
        const reason =
          outcome === 'accepted'
            ? `ospa=${ospa} for ${rule.apr}`
            : outcome === 'ignored'
              ? 'the gate was accepted by an earlier claim'
              : unreadable || `ospa=${ospa ?? 0} for ${rule.apr}, needs >= ${rule.ospa_min}: only people open the gate`;
        pending.answer = this.book.recordAttempt({ ...pending.claim, ospa, outcome, reason });
      }
      this.checking = [];
      if (accepted && first) {
        this.book.acceptGate(first.claim.by);
        // Claims that arrived while this one was checked.
        this.dismiss('the gate was accepted by an earlier claim');
        return true;
      }
      rule.onRefused?.();
    }
  }
}
