// "Build B" of the worker for the versioning test: the released rollout workflow with one visible
// change, as a new release would bring. A rollout that ran on this code says so in its reason.
import { rolloutWorkflow as released } from '../../src/workflows';
import type { RolloutInputDraft, RolloutProgress } from '../../src/shared';

export const BUILD_B_MARK = '[build B]';

export async function rolloutWorkflow(raw: RolloutInputDraft): Promise<RolloutProgress> {
  const final = await released(raw);
  return { ...final, reason: `${BUILD_B_MARK} ${final.reason ?? ''}`.trimEnd() };
}
