// A workflow's history after its gate-open signal, shared by the rollout's runs and the floor's (bench/floor).
import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

export type HistoryEvents = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>;

/** Each event after the gate-open signal, ms since it: where the time between the SQL goes. */
export function timeline(events: HistoryEvents): string[] {
  const types = new Map<string, string>();
  const at = (e: HistoryEvents[number]) => (e.eventTime ? tsToMs(e.eventTime) : 0);
  const signaled = events.find((e) => e.workflowExecutionSignaledEventAttributes);
  const zero = signaled ? at(signaled) : 0;
  return events
    .filter((e) => at(e) >= zero)
    .map((e) => {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) types.set(String(e.eventId), s.activityType?.name ?? '');
      const ref = Object.values(e).find((v) => v && typeof v === 'object' && 'scheduledEventId' in v) as
        { scheduledEventId?: unknown } | undefined;
      const name = s?.activityType?.name ?? (ref ? types.get(String(ref.scheduledEventId)) : undefined);
      const kind = String(temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? e.eventType).replace(/^EVENT_TYPE_/, '');
      return `${at(e) - zero} ${kind}${name ? ` ${name}` : ''}`;
    });
}
