import type { Command } from 'commander';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { NoWorkerAnswered, describeRollout, progressOf, rolloutHandle, type Described } from '../execution';
import { formatProgress } from '../../format/progress';
import { parseDuration, workflowIdArg } from '../options';
import { watch } from '../watch';

/** A terminal with a size: a pty that reports 0 rows would show log-update's frame as nothing. */
function onTerminal(): boolean {
  return process.stdout.isTTY && process.stdout.rows > 0 && process.stdout.columns > 0;
}

interface ProgressOptions {
  json?: boolean;
  watch?: boolean;
  interval: string;
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
    note: `${why}: this is what Temporal holds (the RolloutState search attribute, the details the rollout last recorded); the full progress needs a worker (rollout worker)`,
  };
}

export function register(program: Command): void {
  program
    .command('progress')
    .description("the rollout's state, gate attempts, steps and last measured numbers (running or finished); with no worker, its state from Temporal's visibility")
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON (with --watch: one JSON document per line, per change)')
    .option('--watch', 'follow the rollout until it ends: a live view in a terminal, one line per change otherwise')
    .option('--interval <duration>', 'how often --watch asks the workflow', '1s')
    .addHelpText(
      'after',
      '\nExamples:\n  rollout progress rollout-db-5432-directus --json\n  rollout progress rollout-db-5432-directus --watch\n  rollout progress rollout-db-5432-directus --watch | tee rollout.log   (one timestamped line per change)\n\nA running rollout whose worker is down answers within seconds with its state from visibility ("source": "visibility" in --json).',
    )
    .action(
      action(async (idArg: string, opts: ProgressOptions) => {
        const workflowId = workflowIdArg(idArg);
        const intervalMs = parseDuration(opts.interval);
        await withTemporal(async (client) => {
          if (opts.watch) {
            await watch(client, workflowId, intervalMs, opts.json ? 'json' : onTerminal() ? 'terminal' : 'lines');
            return;
          }
          const described = await describeRollout(client, workflowId);
          try {
            const progress = await progressOf(client, rolloutHandle(client, workflowId, described.execution.runId), described.execution);
            print(opts.json ? JSON.stringify(progress, null, 2) : formatProgress(progress));
          } catch (err) {
            if (!(err instanceof NoWorkerAnswered)) throw err;
            const seen = visibleProgress(described, err.message);
            print(
              opts.json
                ? JSON.stringify(seen, null, 2)
                : [
                    `${seen.workflowId}  ${seen.state ?? '?'}  target=${seen.target ?? '?'}  apr=${seen.apr ?? '?'}  (Temporal: ${seen.status})`,
                    ...(seen.details ? [seen.details.replace(/\*\*/g, '').replace(/\n\n/g, '\n')] : []),
                    seen.note,
                  ].join('\n'),
            );
          }
        });
      }),
    );
}
