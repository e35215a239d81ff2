import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { openGateUpdate, type GateAttempt, type GateClaim } from '../../shared';
import { formatAttempt } from '../../format/progress';
import { withTemporal } from '../context';
import { CliError } from '../errors';
import { anyPoller, closedError, describeRollout, rolloutHandle } from '../execution';
import { print } from '../output';

/** The gate read retries a failing database a little; beyond this no worker is answering. */
const ANSWER_TIMEOUT_MS = 90_000;

// A closed rollout is said to be closed, with how it ended (the shared helper, as cancel says it).
const ended = async (client: Client, workflowId: string): Promise<CliError> =>
  (await closedError(client, workflowId)) ??
  new CliError(`claim rejected, nothing recorded: rollout ${workflowId} is no longer waiting at the gate`);

/** Claims the gate open with a checked claim (the command checks it before this module loads the client). */
export async function gateOpen(workflowId: string, claim: GateClaim, opts: { json?: boolean }): Promise<void> {
  await withTemporal(async (client) => {
    // Said at once rather than after the answer timeout: an ended rollout, or no worker to check the claim.
    const { execution } = await describeRollout(client, workflowId);
    if (execution.status !== 'RUNNING') throw await ended(client, workflowId);
    if (!(await anyPoller(client, execution.taskQueue))) {
      throw new CliError(
        `no worker is polling task queue ${execution.taskQueue}: start one (rollout worker), then claim again; ` +
          `nothing was recorded`,
      );
    }
    const handle = rolloutHandle(client, workflowId, execution.runId);
    let attempt: GateAttempt;
    try {
      attempt = await client.connection.withDeadline(Date.now() + ANSWER_TIMEOUT_MS, () =>
        handle.executeUpdate(openGateUpdate, { args: [claim] }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError)
        throw new CliError(`claim rejected, nothing recorded: ${err.cause?.message ?? err.message}`);
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new CliError(
          `no answer from ${workflowId} within ${ANSWER_TIMEOUT_MS / 1000}s: is a worker running (rollout worker)? ` +
            `Nothing was recorded`,
        );
      }
      // Temporal answers an update to an execution that closed meanwhile as "not found".
      if (err instanceof WorkflowNotFoundError) throw await ended(client, workflowId);
      throw err;
    }
    if (opts.json) {
      print(JSON.stringify({ workflowId, answered: true, attempt }));
      return;
    }
    print(formatAttempt(attempt));
    print(attempt.outcome);
  });
}
