import type { Command } from 'commander';
import { formatProgress } from '../../format/progress';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { finalProgress, rolloutHandle } from '../execution';
import { exitCodeOf } from '../exitCodes';
import { workflowIdArg } from '../options';

export function register(program: Command): void {
  program
    .command('result')
    .description('wait for the rollout to end, print its final progress, and exit by how it ended (0 only for COMPLETED)')
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  rollout result rollout-db-5432-directus --json || echo "not COMPLETED: the exit code says how it ended"')
    .action(
      action(async (idArg: string, opts: { json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        await withTemporal(async (client) => {
          const final = await finalProgress(rolloutHandle(client, workflowId));
          print(opts.json ? JSON.stringify(final, null, 2) : formatProgress(final));
          process.exitCode = exitCodeOf(final.state);
          if (final.state !== 'COMPLETED') {
            // stdout keeps the result alone (for --json); why it is not a success goes to stderr, with the next step.
            const why = final.reason ? `: ${final.reason.replace(/\s+/g, ' ')}` : '';
            process.stderr.write(
              `rollout: ${workflowId} ended ${final.state} (exit ${process.exitCode})${why}. Next: rollout report ${workflowId} shows each step's numbers and what was undone\n`,
            );
          }
        });
      }),
    );
}
