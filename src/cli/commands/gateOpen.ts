import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Command } from 'commander';
import { GateClaim, openGateUpdate, type GateAttempt } from '../../shared';
import { print, withTemporal } from '../context';
import { CliError, action } from '../errors';
import { anyPoller, describeRollout, rolloutHandle } from '../execution';
import { formatAttempt } from '../format';
import { workflowIdArg } from '../options';

/** The gate read retries a failing database a little; beyond this no worker is answering. */
const ANSWER_TIMEOUT_MS = 90_000;

const ended = (workflowId: string, status: string) =>
  new CliError(`claim rejected, nothing recorded: rollout ${workflowId} has ended (${status} in Temporal): the gate no longer waits`);

export function register(program: Command): void {
  program
    .command('gate-open')
    .description('claim that people opened the gate; the workflow checks os_proposal_approvals and answers accepted or refused')
    .argument('<id>', 'workflow id')
    .requiredOption('--by <name>', 'who opens the gate (recorded with the attempt)')
    .addHelpText(
      'after',
      '\nExample:\n  rollout gate-open rollout-db-5432-directus --by "ops on call"\n\nOne round trip (the openGate update). Exit 0 whether accepted or refused; non-zero when the claim was rejected (the gate no longer waits) or could not be delivered.',
    )
    .action(
      action(async (idArg: string, opts: { by: string }) => {
        const workflowId = workflowIdArg(idArg);
        const claim = GateClaim.parse({ id: randomUUID(), by: opts.by });
        await withTemporal(async (client) => {
          // Said at once rather than after the answer timeout: an ended rollout, or no worker to check the claim.
          const { execution } = await describeRollout(client, workflowId);
          if (execution.status !== 'RUNNING') throw ended(workflowId, execution.status);
          if (!(await anyPoller(client, execution.taskQueue))) {
            throw new CliError(`no worker is polling task queue ${execution.taskQueue}: start one (rollout worker), then claim again; nothing was recorded`);
          }
          const handle = rolloutHandle(client, workflowId, execution.runId);
          let attempt: GateAttempt;
          try {
            attempt = await client.connection.withDeadline(Date.now() + ANSWER_TIMEOUT_MS, () => handle.executeUpdate(openGateUpdate, { args: [claim] }));
          } catch (err) {
            if (err instanceof WorkflowUpdateFailedError) throw new CliError(`claim rejected, nothing recorded: ${err.cause?.message ?? err.message}`);
            if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
              throw new CliError(`no answer from ${workflowId} within ${ANSWER_TIMEOUT_MS / 1000}s: is a worker running (rollout worker)? Nothing was recorded`);
            }
            // Temporal answers an update to an execution that closed meanwhile as "not found".
            if (err instanceof WorkflowNotFoundError) throw ended(workflowId, (await handle.describe()).status.name);
            throw err;
          }
          print(formatAttempt(attempt));
          print(attempt.outcome);
        });
      }),
    );
}
