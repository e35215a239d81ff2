import type { Command } from 'commander';
import { checkDuration, workflowIdArg } from '../args';
import { action } from '../errors';

interface ProgressOptions {
  json?: boolean;
  watch?: boolean;
  interval: string;
}

export function register(program: Command): void {
  program
    .command('progress')
    .description(
      "the rollout's state, gate attempts, steps and last measured numbers (running or finished); with no worker, " +
        "its state from Temporal's visibility",
    )
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON (with --watch: one JSON document per line, per change)')
    .option('--watch', 'follow the rollout until it ends: a live view in a terminal, one line per change otherwise')
    .option('--interval <duration>', 'how often --watch asks the workflow', '1s')
    .addHelpText(
      'after',
      '\nExamples:\n  rollout progress rollout-db-5432-directus --json\n  rollout progress ' +
        'rollout-db-5432-directus --watch\n  rollout progress rollout-db-5432-directus --watch | tee rollout.log   ' +
        '(one timestamped line per change)\n\nA running rollout whose worker is down answers within seconds with its ' +
        'state from visibility ("source": "visibility" in --json).',
    )
    .action(
      action(async (idArg: string, opts: ProgressOptions) => {
        const workflowId = workflowIdArg(idArg);
        checkDuration(opts.interval);
        await (await import('../actions/progress.js')).showProgress(workflowId, opts);
      }),
    );
}
