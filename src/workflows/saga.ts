// The saga of the write steps: each compensation is registered before its step runs (a step can commit and
// still be reported failed or timed out), compensations run in reverse order, shielded from the
// cancellation that may have caused them, and the numbers must then be back at the baseline with nothing
// the rollout's ledger records left anywhere. What each step does, verifies and undoes is its own module's
// (src/steps), behind one activity each way.
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { StepCall } from '../activities';
import { baselineMismatches, remainsMismatches } from '../steps/expectations';
import { STEP_PLAN, type StepName } from '../shared';
import { messageOf } from './failure';
import type { ProgressBook } from './progress';
import { undo, writes } from './proxies';

export interface Compensated {
  undone: number;
  problems: string[];
}

const title = (name: StepName) => STEP_PLAN.find((s) => s.name === name)?.title ?? name;

export class Saga {
  /** Registered compensations, newest first. */
  private readonly registered: StepName[] = [];

  constructor(
    private readonly book: ProgressBook,
    private readonly call: Omit<StepCall, 'step'>,
  ) {}

  /** One step, self-guarded, verified and footprint-proven in its own transaction (the activity's). */
  async run(name: StepName): Promise<void> {
    const step = this.book.step(name);
    this.registered.unshift(name);
    step.status = 'running';
    step.before = this.book.progress.metrics;
    this.book.touch();
    try {
      // Named by the step, so Temporal's pending activities (and `rollout progress`) say which step waits.
      const r = await writes.applyStep.executeWithOptions({ summary: `${name}: ${title(name)}`, activityId: name }, [
        { ...this.call, step: name },
      ]);
      Object.assign(step, {
        sql: r.sql,
        sqlSha256: r.sqlSha256,
        detail: r.detail,
        footprint: r.footprint,
        after: r.after,
        status: 'done',
      });
      this.book.measured(r.after);
    } catch (err) {
      step.status = 'failed';
      step.error = isCancellation(err) ? 'cancelled' : messageOf(err);
      this.book.touch();
      throw err;
    }
  }

  /** Every registered compensation, newest first, then the baseline and what remains; never cancelled. */
  compensate(): Promise<Compensated> {
    return CancellationScope.nonCancellable(async () => {
      let undone = 0;
      const problems: string[] = [];
      for (const name of this.registered) {
        const step = this.book.step(name);
        step.status = 'compensating';
        this.book.touch();
        try {
          const r = await undo.revertStep.executeWithOptions(
            { summary: `compensate ${name}`, activityId: `compensate-${name}` },
            [{ ...this.call, step: name }],
          );
          undone += r.undone;
          Object.assign(step, { compensation: r.detail, compensationFootprint: r.footprint, status: 'compensated' });
        } catch (err) {
          step.status = 'failed';
          problems.push(`${name} compensation refused: ${messageOf(err)}`);
        }
        this.book.touch();
      }
      const after = await undo.afterUndo.executeWithOptions(
        { summary: 'measure, and look for anything the rollout wrote that remains' },
        [this.call],
      );
      this.book.measured(after.metrics);
      const baseline = this.book.progress.baseline;
      const off = [
        ...(baseline ? baselineMismatches(baseline, after.metrics) : []),
        ...remainsMismatches(after.remains),
      ];
      problems.push(...off.map((m) => `baseline not restored: ${m}`));
      return { undone, problems };
    });
  }
}
