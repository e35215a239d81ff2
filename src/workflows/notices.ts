// Rollout events for people (log, webhook): sent in the background, all delivered before the workflow ends.
import { CancellationScope } from '@temporalio/workflow';
import type { Notification, NotifyEvent } from '../activities';
import type { RolloutProgress } from '../shared';
import { lastNotice, notices } from './proxies';

export class Notices {
  private readonly pending: Promise<unknown>[] = [];

  constructor(private readonly progress: RolloutProgress) {}

  /** Shielded: the events of a cancelled rollout (compensating, compensated) are the ones that matter most. */
  announce(event: NotifyEvent): void {
    this.send(() => notices.notify.executeWithOptions({ summary: `notify ${event}` }, [this.of(event)]));
  }

  /** The ending's notice: awaited with the evidence, so the worker sends it within the same task. */
  last(event: NotifyEvent): void {
    this.send(() => lastNotice.notify.executeWithOptions({ summary: `notify ${event}` }, [this.of(event)]));
  }

  private of(event: NotifyEvent): Notification {
    const { workflowId, target, apr, state, reason, metrics } = this.progress;
    return { event, workflowId, target, apr, state, reason, metrics };
  }

  private send(deliver: () => Promise<unknown>): void {
    this.pending.push(CancellationScope.nonCancellable(deliver).catch(() => undefined));
  }

  async delivered(): Promise<void> {
    await CancellationScope.nonCancellable(() => Promise.all(this.pending));
  }
}
