import type { Command } from 'commander';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { workflowIdArg } from '../options';

export function register(program: Command): void {
  program
    .command('cancel')
    .description('cancel a rollout: before the gate nothing was written; after it, every completed step is compensated')
    .argument('<id>', 'workflow id')
    .addHelpText('after', '\nExample:\n  rollout cancel rollout-db-5432-directus && rollout result rollout-db-5432-directus')
    .action(
      action(async (idArg: string) => {
        const workflowId = workflowIdArg(idArg);
        await withTemporal(async (client) => {
          await client.workflow.getHandle(workflowId).cancel();
        });
        print(`cancellation requested for ${workflowId}: compensation follows (rollout result ${workflowId} waits for it)`);
      }),
    );
}
