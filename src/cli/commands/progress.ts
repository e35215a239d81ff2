import type { Command } from 'commander';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { observe } from '../execution';
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

export function register(program: Command): void {
  program
    .command('progress')
    .description('the rollout\'s state, gate attempts, steps and last measured numbers (running or finished)')
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON (with --watch: one JSON document per line, per change)')
    .option('--watch', 'follow the rollout until it ends: a live view in a terminal, one line per change otherwise')
    .option('--interval <duration>', 'how often --watch asks the workflow', '1s')
    .addHelpText(
      'after',
      '\nExamples:\n  rollout progress rollout-db-5432-directus --json\n  rollout progress rollout-db-5432-directus --watch\n  rollout progress rollout-db-5432-directus --watch | tee rollout.log   (one timestamped line per change)',
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
          const { progress } = await observe(client, workflowId);
          print(opts.json ? JSON.stringify(progress, null, 2) : formatProgress(progress));
        });
      }),
    );
}
