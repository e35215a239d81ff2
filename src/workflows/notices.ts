// Rollout events for people (log, webhook): sent in the background, all delivered before the workflow ends.
import { CancellationScope } from '@temporalio/workflow';
import type { NotifyEvent } from '../activities';
import type { RolloutProgress } from '../shared';
import { notices } from './proxies';

export class Notices {
  private readonly pending: Promise<unknown>[] = [];

  constructor(private readonly progress: RolloutProgress) {}

  /** Shielded: the events of a cancelled rollout (compensating, compensated) are the ones that matter most. */
  announce(event: NotifyEvent): void {
    const { workflowId, target, apr, state, reason, metrics } = this.progress;
    const delivery = CancellationScope.nonCancellable(() =>
      notices.notify.executeWithOptions({ summary: `notify ${event}` }, [
        { event, workflowId, target, apr, state, reason, metrics },
      ]),
    );
    this.pending.push(delivery.catch(() => undefined));
  }

  async delivered(): Promise<void> {
    await CancellationScope.nonCancellable(() => Promise.all(this.pending));
  }
}
