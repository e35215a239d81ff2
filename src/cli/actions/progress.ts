import { formatProgress } from '../../format/progress';
import { withTemporal } from '../context';
import { NoWorkerAnswered, describeRollout, progressOf, rolloutHandle, type Described } from '../execution';
import { parseDuration } from '../duration';
import { print } from '../output';
import { formatWaiting, pendingWaits } from '../waiting';
import { watch } from '../watch';

/** A terminal with a size: a pty that reports 0 rows would show log-update's frame as nothing. */
function onTerminal(): boolean {
  return process.stdout.isTTY && process.stdout.rows > 0 && process.stdout.columns > 0;
}

/** What `progress` answers when no worker does: Temporal's visibility, said to be that. */
export interface VisibleProgress {
  workflowId: string;
  runId: string;
  status: string;
  state: string | null;
  target: string | null;
  apr: string | null;
  summary: string | null;
  /** The rollout's current details as it last wrote them (markdown). */
  details: string | null;
  source: 'visibility';
  note: string;
}

function visibleProgress({ execution, visible, summary, details }: Described, why: string): VisibleProgress {
  return {
    workflowId: execution.workflowId,
    runId: execution.runId,
    status: execution.status,
    ...visible,
    summary,
    details,
    source: 'visibility',
    note:
      `${why}: this is what Temporal holds (the RolloutState search attribute, the details the rollout last ` +
      `recorded); the full progress needs a worker (rollout worker)`,
  };
}

export async function showProgress(
  workflowId: string,
  opts: { json?: boolean; watch?: boolean; interval: string },
): Promise<void> {
  const intervalMs = parseDuration(opts.interval);
  await withTemporal(async (client) => {
    if (opts.watch) {
      await watch(client, workflowId, intervalMs, opts.json ? 'json' : onTerminal() ? 'terminal' : 'lines');
      return;
    }
    const described = await describeRollout(client, workflowId);
    try {
      const handle = rolloutHandle(client, workflowId, described.execution.runId);
      const progress = await progressOf(client, handle, described.execution);
      // A step retrying (the rollout lock held elsewhere, a database away): what it waits for, from Temporal.
      const waits =
        progress.state === 'RUNNING' || progress.state === 'COMPENSATING'
          ? await pendingWaits(handle).catch(() => [])
          : [];
      if (opts.json) print(JSON.stringify(waits.length > 0 ? { ...progress, waiting: waits } : progress, null, 2));
      else print([formatProgress(progress), ...waits.map(formatWaiting)].join('\n'));
    } catch (err) {
      if (!(err instanceof NoWorkerAnswered)) throw err;
      const seen = visibleProgress(described, err.message);
      print(
        opts.json
          ? JSON.stringify(seen, null, 2)
          : [
              `${seen.workflowId}  ${seen.state ?? '?'}  ` +
                `target=${seen.target ?? '?'}  apr=${seen.apr ?? '?'}  ` +
                `(Temporal: ` +
                `${seen.status})`,
              ...(seen.details ? [seen.details.replace(/\*\*/g, '').replace(/\n\n/g, '\n')] : []),
              seen.note,
            ].join('\n'),
      );
    }
  });
}
