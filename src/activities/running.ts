import { Context } from '@temporalio/activity';
import { RolloutDatabaseAttribute } from '../shared/searchAttributes';
import { WORKFLOW_TYPE } from '../shared';

export interface RunningRollout {
  workflowId: string;
  runId: string;
  startTime: string;
}

/**
 * The other rollouts still running for the same database, from Temporal's visibility by the database's
 * identity: whatever address, workflow id or task queue they were started through.
 */
export async function otherRollouts(identity: string): Promise<RunningRollout[]> {
  const { client, info } = Context.current();
  const query =
    `WorkflowType = '${WORKFLOW_TYPE}' AND ${RolloutDatabaseAttribute.name} = ` +
    `'${identity.replace(/'/g, "''")}' AND ExecutionStatus = 'Running'`;
  const found: RunningRollout[] = [];
  for await (const w of client.workflow.list({ query })) {
    if (w.workflowId === info.workflowExecution?.workflowId) continue;
    found.push({ workflowId: w.workflowId, runId: w.runId, startTime: w.startTime.toISOString() });
    if (found.length >= 5) break;
  }
  return found;
}
