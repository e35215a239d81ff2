// A rollout workflow that ends FAILED as a workflow failure whose details carry its final progress,
// the shape a failed rollout may take in Temporal: the CLI must read the same final progress from it.
import { ApplicationFailure } from '@temporalio/workflow';
import { rolloutWorkflow as released } from '../../src/workflows';
import type { RolloutInputDraft, RolloutProgress } from '../../src/shared';

export async function rolloutWorkflow(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const final = await released(raw);
  if (final.state === 'COMPLETED') return final;
  throw ApplicationFailure.nonRetryable(final.reason ?? final.state, `Rollout${final.state}`, final);
}
