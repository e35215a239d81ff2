import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Command } from 'commander';
import { WORKFLOW_TYPE, type RolloutProgress } from '../../shared';
import { config, print, withTemporal } from '../context';
import { CliError, action, describeError } from '../errors';
import { progressOf } from '../execution';

interface ListOptions {
  json?: boolean;
  limit: string;
  allQueues?: boolean;
}

export interface ListedRollout {
  workflowId: string;
  runId: string;
  taskQueue: string;
  /** Temporal's status of the execution. */
  status: string;
  /** The rollout's own state: the result of a closed execution, the progress query of a running one. */
  state: RolloutProgress['state'] | null;
  target: string | null;
  apr: string | null;
  reason: string | null;
  startTime: string;
  closeTime: string | null;
}

// A running rollout whose worker is down does not answer; the list shows it without a state.
const QUERY_TIMEOUT_MS = 5_000;

async function stateOf(client: Client, info: WorkflowExecutionInfo): Promise<{ progress: RolloutProgress | null; problem: string | null }> {
  if (info.status.name !== 'COMPLETED' && info.status.name !== 'RUNNING') return { progress: null, problem: null };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no worker answered the progress query')), QUERY_TIMEOUT_MS);
  });
  try {
    const progress = await Promise.race([progressOf(client.workflow.getHandle(info.workflowId, info.runId), info.status.name), timeout]);
    return { progress, problem: null };
  } catch (err) {
    return { progress: null, problem: describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

function formatTable(rows: ListedRollout[]): string {
  const header = ['WORKFLOW ID', 'TEMPORAL', 'STATE', 'APR', 'STARTED', 'CLOSED'];
  const cells = rows.map((r) => [r.workflowId, r.status, r.state ?? '?', r.apr ?? '?', r.startTime, r.closeTime ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

export function register(program: Command): void {
  program
    .command('list')
    .description('rollouts from Temporal\'s visibility, newest first, with Temporal\'s status and the rollout\'s own state')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many', '20')
    .option('--all-queues', 'every task queue, not only TEMPORAL_TASK_QUEUE')
    .addHelpText('after', '\nExamples:\n  rollout list\n  rollout list --all-queues --limit 100 --json')
    .action(
      action(async (opts: ListOptions) => {
        if (!/^[1-9]\d{0,3}$/.test(opts.limit)) throw new CliError(`--limit ${JSON.stringify(opts.limit)}: use a whole number from 1 to 9999`);
        const limit = Number(opts.limit);
        const cfg = config();
        // The task queue is validated by the config schema (letters, digits, . _ -), so it cannot break out of the quotes.
        const query = [`WorkflowType = '${WORKFLOW_TYPE}'`, ...(opts.allQueues ? [] : [`TaskQueue = '${cfg.taskQueue}'`])].join(' AND ');
        await withTemporal(async (client) => {
          const rows: ListedRollout[] = [];
          for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
            const { progress, problem } = await stateOf(client, info);
            rows.push({
              workflowId: info.workflowId,
              runId: info.runId,
              taskQueue: info.taskQueue,
              status: info.status.name,
              state: progress?.state ?? null,
              target: progress?.target ?? null,
              apr: progress?.apr ?? null,
              reason: progress?.reason ?? problem,
              startTime: info.startTime.toISOString(),
              closeTime: info.closeTime?.toISOString() ?? null,
            });
            if (rows.length >= limit) break;
          }
          if (opts.json) print(JSON.stringify(rows, null, 2));
          else print(rows.length > 0 ? formatTable(rows) : `no rollouts (query: ${query})`);
        });
      }),
    );
}
