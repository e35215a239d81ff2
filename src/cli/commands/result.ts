import type { Command } from 'commander';
import { workflowIdArg } from '../args';
import { action } from '../errors';

export function register(program: Command): void {
  program
    .command('result')
    .description(
      'wait for the rollout to end, print its final progress, and exit by how it ended (0 only for COMPLETED)',
    )
    .argument('<id>', 'workflow id')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  rollout result rollout-db-5432-directus --json || echo "not COMPLETED: the exit code says how ' +
        'it ended"',
    )
    .action(
      action(async (idArg: string, opts: { json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        await (await import('../actions/result.js')).result(workflowId, opts);
      }),
    );
}
