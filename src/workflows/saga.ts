// The saga of the write steps: each compensation is registered before its step runs (a step can
// commit and still be reported failed or timed out), compensations run in reverse order, shielded
// from the cancellation that may have caused them, and the numbers must then be back at the baseline
// with nothing this rollout's ledger records left anywhere.
import { ApplicationFailure, CancellationScope, isCancellation } from '@temporalio/workflow';
import type { Proven } from '../activities';
import { ErrorType, type FootprintProof, type Metrics, type StepProgress } from '../shared';
import { baselineMismatches, remainsMismatches } from './expectations';
import { messageOf } from './failure';
import type { ProgressBook } from './progress';

type Detail = StepProgress['detail'];

/** What a compensation undid: rows (or cursor moves) for the reason line, a detail for the report. */
export interface Undone {
  undone: number;
  detail: Detail;
  /** What the compensation's transaction was proven to write. */
  footprint: FootprintProof | null;
}

export interface Step<T extends Proven> {
  step: StepProgress;
  /** Writes, self-guarded and idempotent. */
  apply: () => Promise<T>;
  /** What is off after the step, from its result and the numbers measured after it. */
  verify: (result: T, after: Metrics) => string[];
  /** The step's detail for progress and the report. */
  describe: (result: T) => Detail;
  /** Undoes exactly what this rollout wrote in the step. */
  compensate: () => Promise<Undone>;
}

export interface SagaMeasures {
  /** The packet's numbers now. */
  measure: () => Promise<Metrics>;
  /** The same, with the compensations' patience (retried until it answers). */
  measureAfterUndo: () => Promise<Metrics>;
  /** Checked after every step, whatever the step, from the numbers before and after it. */
  invariants: (before: Metrics, after: Metrics) => string[];
  /** The rows this rollout's ledger records that are still there, per relation (none left out). */
  remainsAfterUndo: () => Promise<{ relation: string; rows: number }[]>;
}

export interface Compensated {
  undone: number;
  problems: string[];
}

export class Saga {
  private readonly compensations: { step: StepProgress; compensate: () => Promise<Undone> }[] = [];
  private baseline: Metrics | null = null;

  constructor(
    private readonly book: ProgressBook,
    private readonly measures: SagaMeasures,
  ) {}

  /** The numbers before the first write: what compensation must restore. */
  async measureBaseline(): Promise<void> {
    this.baseline = await this.measures.measure();
    this.book.setBaseline(this.baseline);
  }

  async run<T extends Proven>({ step, apply, verify, describe, compensate }: Step<T>): Promise<T> {
    this.compensations.unshift({ step, compensate });
    step.status = 'running';
    step.before = this.book.progress.metrics;
    this.book.touch();
    try {
      const result = await apply();
      step.sql = result.sql;
      step.sqlSha256 = result.sqlSha256;
      step.footprint = result.footprint;
      step.detail = describe(result);
      const after = await this.measures.measure();
      step.after = after;
      this.book.measured(after);
      const problems = [...verify(result, after), ...this.measures.invariants(step.before ?? after, after)];
      if (problems.length > 0) {
        throw ApplicationFailure.nonRetryable(`${step.name} verification failed: ${problems.join('; ')}`, ErrorType.VerificationFailed);
      }
      step.status = 'done';
      this.book.touch();
      return result;
    } catch (err) {
      step.status = 'failed';
      step.error = isCancellation(err) ? 'cancelled' : messageOf(err);
      this.book.touch();
      throw err;
    }
  }

  /** Every registered compensation, newest first, then the baseline check; never cancelled. */
  async compensate(): Promise<Compensated> {
    return CancellationScope.nonCancellable(async () => {
      let undone = 0;
      const problems: string[] = [];
      for (const { step, compensate } of this.compensations) {
        step.status = 'compensating';
        this.book.touch();
        try {
          const r = await compensate();
          undone += r.undone;
          step.compensation = r.detail;
          step.compensationFootprint = r.footprint;
          step.status = 'compensated';
        } catch (err) {
          step.status = 'failed';
          problems.push(`${step.name} compensation refused: ${messageOf(err)}`);
        }
        this.book.touch();
      }
      if (this.baseline) {
        const after = await this.measures.measureAfterUndo();
        this.book.measured(after);
        problems.push(...baselineMismatches(this.baseline, after).map((m) => `baseline not restored: ${m}`));
      }
      const left = await this.measures.remainsAfterUndo();
      problems.push(...remainsMismatches(left).map((m) => `baseline not restored: ${m}`));
      return { undone, problems };
    });
  }
}
