import type { Command } from 'commander';
import { workflowIdArg } from '../args';
import { action } from '../errors';

export function register(program: Command): void {
  program
    .command('cancel')
    .description('cancel a rollout: before the gate nothing was written; after it, every completed step is compensated')
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  rollout cancel rollout-db-5432-directus && rollout result rollout-db-5432-directus',
    )
    .action(
      action(async (idArg: string, opts: { json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        await (await import('../actions/cancel.js')).cancel(workflowId, opts);
      }),
    );
}
