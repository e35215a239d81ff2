import type { Command } from 'commander';
import type { RolloutProgress } from '../../shared';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { formatProgress } from '../../format/progress';
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
          const final = (await client.workflow.getHandle(workflowId).result()) as RolloutProgress;
          print(opts.json ? JSON.stringify(final, null, 2) : formatProgress(final));
        });
      }),
    );
}
