import {
  ServiceError,
  WorkflowFailedError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
} from '@temporalio/client';
import { CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Execution } from '../report/packet';
// The shared modules one by one, not their index: `rollout progress` loads neither zod (the input
// schemas) nor the workflow SDK (the message definitions), and asks the progress query by its name.
import { PROGRESS_QUERY, WORKFLOW_TYPE } from '../shared/names';
import { progressFromFailure } from '../shared/outcome';
import { ROLLOUT_STATES, TERMINAL_STATES, type RolloutProgress, type RolloutState } from '../shared/progress';
import {
  DETAILS_MEMO,
  RolloutAprAttribute,
  RolloutStateAttribute,
  RolloutTargetAttribute,
} from '../shared/searchAttributes';
import type { RolloutWorkflow } from '../shared';
import { CliError } from './errors';

/** A handle typed by the workflow itself: its result is a RolloutProgress, no cast needed. */
export type RolloutHandle = WorkflowHandle<RolloutWorkflow>;

export function rolloutHandle(client: Client, workflowId: string, runId?: string): RolloutHandle {
  return client.workflow.getHandle<RolloutWorkflow>(workflowId, runId);
}

// The execution's plain values are the report's type (report sits below the CLI).
export type { Execution };

export interface Observed {
  execution: Execution;
  progress: RolloutProgress;
}

/** What Temporal's visibility holds of a rollout: its search attributes, readable with every worker down. */
export interface Visible {
  state: RolloutState | null;
  target: string | null;
  apr: string | null;
}

export function visibleOf(info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>): Visible {
  const state = info.typedSearchAttributes.get(RolloutStateAttribute);
  return {
    state: ROLLOUT_STATES.find((s) => s === state) ?? null,
    target: info.typedSearchAttributes.get(RolloutTargetAttribute) ?? null,
    apr: info.typedSearchAttributes.get(RolloutAprAttribute) ?? null,
  };
}

/** A running rollout's progress needs a worker to answer its query; none did. */
export class NoWorkerAnswered extends CliError {}

/** How long a running rollout's worker gets to answer: a live worker answers in milliseconds. */
export const QUERY_TIMEOUT_MS = 2_000;

/**
 * The final progress of a rollout that ended: a completed execution's result, or the details of the
 * failure every other ending (COMPENSATED, FAILED, EXPIRED) closes with. Waits for the end; needs no
 * worker. The one place that knows how a rollout hands back its end.
 */
export async function finalProgress(handle: Pick<WorkflowHandle, 'result' | 'workflowId'>): Promise<RolloutProgress> {
  try {
    return (await handle.result()) as RolloutProgress;
  } catch (err) {
    const progress = progressFromFailure(err);
    if (progress) return progress;
    if (err instanceof WorkflowFailedError) {
      // Terminated or timed out by Temporal: the rollout never handed back an end of its own.
      const how =
        err.cause instanceof TerminatedFailure
          ? 'TERMINATED'
          : err.cause instanceof TimeoutFailure
            ? 'TIMED_OUT'
            : err.cause instanceof CancelledFailure
              ? 'CANCELED'
              : 'FAILED';
      throw new CliError(
        `rollout ${handle.workflowId} ended ${how} in Temporal without a rollout result ` +
          `(${err.cause?.message ?? err.message}): rollout report ${handle.workflowId} shows what it recorded, the ` +
          `Temporal UI its history`,
        'NO_RESULT',
      );
    }
    throw err;
  }
}

/** Is any worker polling the queue? A stopped worker stays listed for a while, so only "none" is conclusive. */
export async function anyPoller(client: Client, taskQueue: string): Promise<boolean> {
  try {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
    });
    return (pollers?.length ?? 0) > 0;
  } catch {
    return true; // unknown: let the query decide
  }
}

/** gRPC DEADLINE_EXCEEDED anywhere in the cause chain (the client wraps it in a ServiceError). */
function grpcCode(err: unknown, codes: readonly number[]): boolean {
  for (
    let e: unknown = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    if (codes.includes((e as { code?: unknown }).code as number)) return true;
  }
  return false;
}

const timedOut = (err: unknown) => grpcCode(err, [4]);
// A worker that just stopped: Temporal answers "no poller seen for task queue recently" (FAILED_PRECONDITION).
const noPoller = (err: unknown) => grpcCode(err, [9]);

/** The progress query, given a few seconds: with no worker, Temporal would otherwise wait far longer. */
export async function queryProgress(
  client: Client,
  handle: RolloutHandle,
  taskQueue: string,
): Promise<RolloutProgress> {
  if (!(await anyPoller(client, taskQueue))) throw new NoWorkerAnswered(`no worker is polling task queue ${taskQueue}`);
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
      handle.query<RolloutProgress>(PROGRESS_QUERY),
    );
  } catch (err) {
    if (timedOut(err)) {
      throw new NoWorkerAnswered(
        `no worker on task queue ${taskQueue} answered the progress query within ${QUERY_TIMEOUT_MS / 1000}s`,
      );
    }
    // A worker that just stopped: Temporal fails the query ("no poller seen", a sticky queue gone) rather than waiting.
    if (noPoller(err) || err instanceof ServiceError) {
      const cause = (err as { cause?: { message?: string } }).cause?.message?.split('\n')[0];
      throw new NoWorkerAnswered(
        `no worker on task queue ${taskQueue} answered the progress query${cause ? ` (${cause})` : ''}`,
      );
    }
    throw err;
  }
}

/**
 * A rollout's own account: an ended one's from its result or failure (no worker needed), a running
 * one's from the progress query (NoWorkerAnswered when no worker does).
 */
export async function progressOf(
  client: Client,
  handle: RolloutHandle,
  execution: Execution,
): Promise<RolloutProgress> {
  if (execution.status === 'COMPLETED' || execution.status === 'FAILED') {
    try {
      return await finalProgress(handle);
    } catch (err) {
      if (execution.status === 'COMPLETED') throw err;
    }
  }
  try {
    return await queryProgress(client, handle, execution.taskQueue);
  } catch (err) {
    if (execution.status === 'RUNNING') throw err;
    // Terminated or timed out by Temporal: no result, and a query needs a worker to replay it.
    throw new CliError(
      `rollout ${handle.workflowId} ended ${execution.status} in Temporal without a result and no worker answered ` +
        `its progress query: start a worker, or open it in the Temporal UI`,
      'NO_RESULT',
    );
  }
}

export interface Described {
  execution: Execution;
  visible: Visible;
  summary: string | null;
  /** The current details as last written to the memo by the workflow. */
  details: string | null;
}

/** One rollout as Temporal describes it (its latest run unless a run id is given); no worker needed. */
export async function describeRollout(client: Client, workflowId: string, runId?: string): Promise<Described> {
  const description: WorkflowExecutionDescription = await rolloutHandle(client, workflowId, runId).describe();
  if (description.type !== WORKFLOW_TYPE) {
    throw new CliError(`workflow ${workflowId} is a ${description.type}, not a rollout (${WORKFLOW_TYPE})`);
  }
  return {
    execution: {
      workflowId,
      runId: description.runId,
      status: description.status.name,
      taskQueue: description.taskQueue,
      startTime: description.startTime.toISOString(),
      closeTime: description.closeTime?.toISOString() ?? null,
      buildId: description.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId || null,
    },
    visible: visibleOf(description),
    summary: (await description.staticSummary().catch(() => undefined)) ?? null,
    details: typeof description.memo?.[DETAILS_MEMO] === 'string' ? description.memo[DETAILS_MEMO] : null,
  };
}

/** One rollout, by workflow id (its latest run unless a run id is given). */
export async function observe(client: Client, workflowId: string, runId?: string): Promise<Observed> {
  const { execution } = await describeRollout(client, workflowId, runId);
  // Pinned to the run described, so the numbers and the ids in a report belong together.
  const progress = await progressOf(client, rolloutHandle(client, workflowId, execution.runId), execution);
  return { execution, progress };
}

/**
 * The error for a rollout that is no longer open: its own ending when it has one (the final progress
 * needs no worker), else Temporal's status and where the rollout was. Null while it runs.
 */
export async function closedError(client: Client, workflowId: string): Promise<CliError | null> {
  // Described first: a running rollout is not queried, so a claim still reaches one whose worker is down.
  const { execution } = await describeRollout(client, workflowId);
  const status = execution.status;
  if (status === 'RUNNING') return null;
  const progress = await progressOf(client, rolloutHandle(client, workflowId, execution.runId), execution).catch(
    () => null,
  );
  const ended = progress && TERMINAL_STATES.includes(progress.state) ? progress.state : status;
  const how = [
    ended === status ? '' : ` (Temporal status ${status})`,
    progress && !TERMINAL_STATES.includes(progress.state) ? `, while ${progress.state}` : '',
    progress?.reason ? `, ${progress.reason}` : '',
  ].join('');
  return new CliError(
    `rollout ${workflowId} is closed: ${ended}${how}; nothing was sent. rollout report ${workflowId} shows how ` +
      `it ended; rollout start begins a new one`,
    'CLOSED',
  );
}

/**
 * Sends something to a rollout that must still be open (a gate-open claim, a cancellation). A closed
 * rollout is said to be closed, with how it ended, rather than missing (Temporal answers "not found"
 * to a message, and quietly accepts a second cancellation): checked before, and again if the send
 * finds the rollout gone.
 */
export async function whileOpen<T>(
  client: Client,
  workflowId: string,
  send: (handle: RolloutHandle) => Promise<T>,
): Promise<T> {
  const before = await closedError(client, workflowId);
  if (before) throw before;
  try {
    return await send(rolloutHandle(client, workflowId));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw (await closedError(client, workflowId).catch(() => null)) ?? err;
  }
}
