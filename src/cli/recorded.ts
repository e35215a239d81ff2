import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { RolloutInput } from '../shared/input';
import { rolloutHandle } from './execution';

/**
 * What only the run's history holds: the input it was started with, and the approval rows as the last
 * gate read saw them (the read that accepted the gate, if one did).
 */
export interface Recorded {
  input: RolloutInput | null;
  approvals: Record<string, unknown>[];
}

export async function recorded(client: Client, workflowId: string, runId: string): Promise<Recorded> {
  const events = (await rolloutHandle(client, workflowId, runId).fetchHistory()).events ?? [];
  const decode = (payload: Payload | undefined): unknown =>
    payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
  const parsed = RolloutInput.safeParse(
    decode(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] ?? undefined),
  );
  // The gate is read once per batch of claims; the workflow keeps the rows of the last read, and so does the report.
  const scheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'readGate')
      .map((e) => String(e.eventId)),
  );
  const reads = events
    .filter((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '')))
    .map((e) => decode(e.activityTaskCompletedEventAttributes?.result?.payloads?.[0] ?? undefined));
  const gate = reads.at(-1) as { approvals?: Record<string, unknown>[] } | undefined;
  return { input: parsed.success ? parsed.data : null, approvals: gate?.approvals ?? [] };
}
