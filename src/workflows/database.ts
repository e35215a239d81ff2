// One rollout per database, by what the database says it is (system identifier and oid), whatever
// address, id or task queue a rollout was started through: a second one is refused before its gate, and
// of two started in the same instant the younger yields after it, before writing.
import { isCancellation, workflowInfo } from '@temporalio/workflow';
import type { RunningRollout } from '../activities';
import { messageOf } from './failure';
import type { ProgressBook } from './progress';
import { reads } from './proxies';

export class OnePerDatabase {
  private identity = '';
  private database = '';

  constructor(
    private readonly book: ProgressBook,
    private readonly target: string,
  ) {}

  /** Before the gate: why this rollout may not run here, or null. */
  async check(): Promise<string | null> {
    try {
      const found = await reads.identifyTarget.executeWithOptions(
        { summary: 'identify the target database (system identifier, oid)' },
        [{ target: this.target }],
      );
      this.identity = found.identity;
      this.database = found.database;
      this.book.identify(this.identity);
    } catch (err) {
      if (isCancellation(err)) throw err;
      return `could not identify the target database: ${messageOf(err)}; nothing was written`;
    }
    return this.elder('look for another rollout running for this database');
  }

  /** After the gate, before the first write: two rollouts that both passed the check, the younger yields. */
  recheck(): Promise<string | null> {
    return this.elder('look again for an older rollout running for this database');
  }

  // Compared by the server's start times, as visibility records them.
  private async elder(summary: string): Promise<string | null> {
    const started = workflowInfo().startTime.toISOString();
    const me = this.book.progress.workflowId;
    const others = await reads.otherRollouts.executeWithOptions({ summary }, [
      { target: this.target, identity: this.identity },
    ]);
    const other = others.find(
      (o: RunningRollout) => o.startTime < started || (o.startTime === started && o.workflowId < me),
    );
    if (!other) return null;
    return (
      `another rollout is running for this database (${this.database}, ${this.identity}): ${other.workflowId}, ` +
      `started ` +
      `${other.startTime}; follow it with rollout progress ${other.workflowId}, or cancel it. Nothing was written`
    );
  }
}
