import type { Command } from 'commander';
import { print, withTemporal } from '../context';
import { action } from '../errors';
import { whileOpen } from '../execution';
import { workflowIdArg } from '../options';

export function register(program: Command): void {
  program
    .command('cancel')
    .description('cancel a rollout: before the gate nothing was written; after it, every completed step is compensated')
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  rollout cancel rollout-db-5432-directus && rollout result rollout-db-5432-directus')
    .action(
      action(async (idArg: string, opts: { json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        await withTemporal(async (client) => {
          await whileOpen(client, workflowId, (handle) => handle.cancel());
        });
        print(
          opts.json
            ? JSON.stringify({ workflowId, cancellationRequested: true })
            : `cancellation requested for ${workflowId}: compensation follows (rollout result ${workflowId} waits for it)`,
        );
      }),
    );
}
