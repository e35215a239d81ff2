import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { CursorRow } from '../activities/types';
import { RolloutInput, WORKFLOW_TYPE, progressQuery, type RolloutProgress } from '../shared';
import type { Execution } from '../report/packet';
import { CliError } from './errors';

export interface Observed {
  execution: Execution;
  progress: RolloutProgress;
}

/**
 * A rollout's own account: a completed execution's result is its final progress (the workflow returns
 * it on every ending of its own); a running one answers the progress query.
 */
export async function progressOf(handle: WorkflowHandle, status: string): Promise<RolloutProgress> {
  if (status === 'COMPLETED') return (await handle.result()) as RolloutProgress;
  try {
    return await handle.query(progressQuery);
  } catch (err) {
    if (status === 'RUNNING') throw err;
    // Terminated or timed out by Temporal: no result, and a query needs a worker to replay it.
    throw new CliError(
      `rollout ${handle.workflowId} ended ${status} in Temporal without a result and no worker answered its progress query: start a worker, or open it in the Temporal UI`,
    );
  }
}

/** One rollout, by workflow id (its latest run unless a run id is given). */
export async function observe(client: Client, workflowId: string, runId?: string): Promise<Observed> {
  const description = await client.workflow.getHandle(workflowId, runId).describe();
  if (description.type !== WORKFLOW_TYPE) {
    throw new CliError(`workflow ${workflowId} is a ${description.type}, not a rollout (${WORKFLOW_TYPE})`);
  }
  const execution: Execution = {
    workflowId,
    runId: description.runId,
    status: description.status.name,
    taskQueue: description.taskQueue,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
  };
  // Pinned to the run described, so the numbers and the ids in a report belong together.
  const progress = await progressOf(client.workflow.getHandle(workflowId, description.runId), execution.status);
  return { execution, progress };
}

/** What only the run's history holds: the input it was started with, and the scan cursor as read before the scan. */
export interface Recorded {
  input: RolloutInput | null;
  cursorBefore: CursorRow | null;
}

export async function recorded(client: Client, workflowId: string, runId: string): Promise<Recorded> {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
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
