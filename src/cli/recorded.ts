import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { CursorRow } from '../activities/types';
import { RolloutInput } from '../shared/input';
import { rolloutHandle } from './execution';

/** What only the run's history holds: the input it was started with, and the scan cursor as read before the scan. */
export interface Recorded {
  input: RolloutInput | null;
  cursorBefore: CursorRow | null;
}

export async function recorded(client: Client, workflowId: string, runId: string): Promise<Recorded> {
  const events = (await rolloutHandle(client, workflowId, runId).fetchHistory()).events ?? [];
  const decode = (payload: Payload | undefined): unknown => (payload ? defaultPayloadConverter.fromPayload(payload) : undefined);
  const parsed = RolloutInput.safeParse(decode(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] ?? undefined));
  // The readCursor activity's result is the row a revert restores; a manual rollback needs it too.
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'readCursor');
  const completed = scheduled?.eventId
    ? events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId))
    : undefined;
  const cursor = decode(completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0] ?? undefined);
  return { input: parsed.success ? parsed.data : null, cursorBefore: (cursor as CursorRow | undefined) ?? null };
}
