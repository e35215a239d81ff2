import type { Command } from 'commander';
import { CliError, action } from '../errors';

interface ListOptions {
  json?: boolean;
  limit: string;
  allQueues?: boolean;
}

export function register(program: Command): void {
  program
    .command('list')
    .description(
      "rollouts from Temporal's visibility, newest first: Temporal's status and the rollout's own state (search " +
        'attribute RolloutState); needs no worker',
    )
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many', '20')
    .option('--all-queues', "every task queue, not only this target's (TEMPORAL_TASK_QUEUE, or the one per target)")
    .addHelpText(
      'after',
      '\nExamples:\n  rollout list\n  rollout list --all-queues --limit 100 --json\n  temporal workflow list ' +
        "--query \"RolloutState='WAITING_FOR_GATE'\"   (Temporal's own CLI, the same attributes)",
    )
    .action(
      action(async (opts: ListOptions) => {
        if (!/^[1-9]\d{0,3}$/.test(opts.limit))
          throw new CliError(`--limit ${JSON.stringify(opts.limit)}: use a whole number from 1 to 9999`);
        await (await import('../actions/list.js')).list(Number(opts.limit), opts);
      }),
    );
}
