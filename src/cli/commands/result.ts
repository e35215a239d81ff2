import type { Command } from 'commander';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { finalProgress, rolloutHandle } from '../execution';
import { formatProgress } from '../format';
import { workflowIdArg } from '../options';

export function register(program: Command): void {
  program
    .command('result')
    .description('wait for the rollout to end and print its final progress')
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  rollout result rollout-db-5432-directus --json')
    .action(
      action(async (idArg: string, opts: { json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        await withTemporal(async (client) => {
          const final = await finalProgress(rolloutHandle(client, workflowId));
          print(opts.json ? JSON.stringify(final, null, 2) : formatProgress(final));
        });
      }),
    );
}
