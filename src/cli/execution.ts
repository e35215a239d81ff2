import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { CursorRow } from '../activities/types';
import type { Execution } from '../report/packet';
import { ROLLOUT_STATES, RolloutInput, TERMINAL_STATES, WORKFLOW_TYPE, progressQuery, type RolloutProgress } from '../shared';
import type { rolloutWorkflow } from '../workflows';
import { CliError } from './errors';

/** A handle typed by the workflow itself: its result is a RolloutProgress, no cast needed. */
export type RolloutHandle = WorkflowHandle<typeof rolloutWorkflow>;

export function rolloutHandle(client: Client, workflowId: string, runId?: string): RolloutHandle {
  return client.workflow.getHandle<typeof rolloutWorkflow>(workflowId, runId);
}

export interface Observed {
  execution: Execution;
  progress: RolloutProgress;
}

function isProgress(value: unknown): value is RolloutProgress {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<RolloutProgress>;
  return typeof v.workflowId === 'string' && ROLLOUT_STATES.includes(v.state as RolloutProgress['state']) && Array.isArray(v.steps);
}

/**
 * The final progress of an execution, waiting for its end: the one place that knows how a rollout
 * hands back its end. Today every ending of the rollout's own is its result; an ending reported as a
 * workflow failure is read from the failure's details when they carry the final progress.
 */
export async function finalProgress(handle: RolloutHandle): Promise<RolloutProgress> {
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause;
      const carried = cause instanceof ApplicationFailure ? cause.details?.find(isProgress) : undefined;
      if (carried) return carried;
      const status = await handle.describe().then((d) => d.status.name).catch(() => 'FAILED');
      throw new CliError(
        `rollout ${handle.workflowId} ended ${status} in Temporal without a rollout result (${cause?.message ?? err.message}): rollout report ${handle.workflowId} shows what it recorded, the Temporal UI its history`,
        'NO_RESULT',
      );
    }
    throw err;
  }
}

/**
 * A rollout's own account: a closed execution's final progress (see finalProgress); a running one
 * answers the progress query.
 */
export async function progressOf(handle: RolloutHandle, status: string): Promise<RolloutProgress> {
  if (status === 'COMPLETED') return finalProgress(handle);
  if (status === 'FAILED') {
    const final = await finalProgress(handle).catch(() => null);
    if (final) return final;
  }
  try {
    return await handle.query(progressQuery);
  } catch (err) {
    if (status === 'RUNNING') throw err;
    // Terminated or timed out by Temporal: no result, and a query needs a worker to replay it.
    throw new CliError(
      `rollout ${handle.workflowId} ended ${status} in Temporal without a result and no worker answered its progress query: start a worker, or open it in the Temporal UI`,
      'NO_RESULT',
    );
  }
}

/** One rollout, by workflow id (its latest run unless a run id is given). */
export async function observe(client: Client, workflowId: string, runId?: string): Promise<Observed> {
  const description = await rolloutHandle(client, workflowId, runId).describe();
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
    buildId: description.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId || null,
  };
  // Pinned to the run described, so the numbers and the ids in a report belong together.
  const progress = await progressOf(rolloutHandle(client, workflowId, description.runId), execution.status);
  return { execution, progress };
}

async function closedError(client: Client, workflowId: string): Promise<CliError | null> {
  // Described first: a running rollout is not queried, so a claim still reaches one whose worker is down.
  const description = await rolloutHandle(client, workflowId).describe();
  const status = description.status.name;
  if (status === 'RUNNING') return null;
  // Terminated or timed out by Temporal, no rollout state of its own to tell (or no worker to ask):
  // Temporal's status says how it ended, and the rollout's last state where to.
  const progress = await progressOf(rolloutHandle(client, workflowId, description.runId), status).catch(() => null);
  const ended = progress && TERMINAL_STATES.includes(progress.state) ? progress.state : status;
  const how = [
    ended === status ? '' : ` (Temporal status ${status})`,
    progress && !TERMINAL_STATES.includes(progress.state) ? `, while ${progress.state}` : '',
    progress?.reason ? `, ${progress.reason}` : '',
  ].join('');
  return new CliError(
    `rollout ${workflowId} is closed: ${ended}${how}; nothing was sent. rollout report ${workflowId} shows how it ended; rollout start begins a new one`,
    'CLOSED',
  );
}

/**
 * Sends something to a rollout that must still be open (a gate-open claim, a cancellation). A closed
 * rollout is said to be closed, with how it ended, rather than missing (Temporal answers "not found"
 * to a signal, and quietly accepts a second cancellation): checked before, and again if the send
 * finds the rollout gone.
 */
export async function whileOpen<T>(client: Client, workflowId: string, send: (handle: RolloutHandle) => Promise<T>): Promise<T> {
  const before = await closedError(client, workflowId);
  if (before) throw before;
  try {
    return await send(rolloutHandle(client, workflowId));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw (await closedError(client, workflowId).catch(() => null)) ?? err;
  }
}

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
