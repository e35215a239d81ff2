import type { Command } from 'commander';
import { progressQuery } from '../../shared';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { formatProgress } from '../format';
import { workflowIdArg } from '../options';

export function register(program: Command): void {
  program
    .command('progress')
    .description('the rollout\'s state, gate attempts, steps and last measured numbers (running or finished)')
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  rollout progress rollout-db-5432-directus --json')
    .action(
      action(async (idArg: string, opts: { json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        await withTemporal(async (client) => {
          const progress = await client.workflow.getHandle(workflowId).query(progressQuery);
          print(opts.json ? JSON.stringify(progress, null, 2) : formatProgress(progress));
        });
      }),
    );
}
