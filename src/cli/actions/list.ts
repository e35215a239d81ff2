import type { WorkflowExecutionInfo } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../../shared/names';
import type { RolloutState } from '../../shared/progress';
import { knownTaskQueue } from '../../config';
import { config, withTemporal } from '../context';
import { visibleOf } from '../execution';
import { print } from '../output';

export interface ListedRollout {
  workflowId: string;
  runId: string;
  taskQueue: string;
  /** Temporal's status of the execution. */
  status: string;
  /** The rollout's own state, from its RolloutState search attribute (null for a run that predates it). */
  state: RolloutState | null;
  target: string | null;
  apr: string | null;
  startTime: string;
  closeTime: string | null;
}

/** Visibility alone: no query per row, so the list answers at once with every worker down. */
export function listed(info: WorkflowExecutionInfo): ListedRollout {
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    taskQueue: info.taskQueue,
    status: info.status.name,
    ...visibleOf(info),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString() ?? null,
  };
}

function formatTable(rows: ListedRollout[]): string {
  const header = ['WORKFLOW ID', 'TEMPORAL', 'STATE', 'APR', 'TARGET', 'STARTED', 'CLOSED'];
  const cells = rows.map((r) => [
    r.workflowId,
    r.status,
    r.state ?? '?',
    r.apr ?? '?',
    r.target ?? '?',
    r.startTime,
    r.closeTime ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

export async function list(limit: number, opts: { json?: boolean; allQueues?: boolean }): Promise<void> {
  const cfg = config();
  // The task queue is validated by the config schema (letters, digits, . _ -), so it cannot break out of the quotes.
  const queue = opts.allQueues ? undefined : knownTaskQueue(cfg);
  const query = [`WorkflowType = '${WORKFLOW_TYPE}'`, ...(queue ? [`TaskQueue = '${queue}'`] : [])].join(' AND ');
  await withTemporal(async (client) => {
    const rows: ListedRollout[] = [];
    for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      rows.push(listed(info));
      if (rows.length >= limit) break;
    }
    if (opts.json) print(JSON.stringify(rows, null, 2));
    else print(rows.length > 0 ? formatTable(rows) : `no rollouts (query: ${query})`);
  });
}
