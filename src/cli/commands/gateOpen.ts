import type { Command } from 'commander';
import { checked, schemas, workflowIdArg } from '../args';
import { action } from '../errors';

export function register(program: Command): void {
  program
    .command('gate-open')
    .description(
      'claim that people opened the gate; the workflow checks os_proposal_approvals and answers accepted or refused',
    )
    .argument('<id>', 'workflow id')
    .requiredOption('--by <name>', 'who opens the gate (recorded with the attempt)')
    .option('--json', 'print the attempt as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  rollout gate-open rollout-db-5432-directus --by "ops on call"\n\nOne round trip (the openGate ' +
        'update). Exit 0 whether accepted or refused; non-zero when the claim was rejected (the gate no longer ' +
        'waits) or could not be delivered.',
    )
    .action(
      action(async (idArg: string, opts: { by: string; json?: boolean }) => {
        const workflowId = workflowIdArg(idArg);
        // node:crypto loads here, not with every command's registration.
        const { randomUUID } = await import('node:crypto');
        const claim = checked(schemas().GateClaim, { id: randomUUID(), by: opts.by });
        await (await import('../actions/gateOpen.js')).gateOpen(workflowId, claim, opts);
      }),
    );
}
