// "Build B" of the worker for the versioning test: the released rollout workflow with one visible
// change, as a new release would bring. A rollout that ran on this code says so in its reason,
// however it ends.
import { rolloutWorkflow as released } from '../../src/workflows';
import { endingFailure, progressFromFailure, type RolloutInputDraft, type RolloutProgress } from '../../src/shared';

export const BUILD_B_MARK = '[build B]';

const marked = (p: RolloutProgress): RolloutProgress => ({
  ...p,
  reason: `${BUILD_B_MARK} ${p.reason ?? ''}`.trimEnd(),
});

export async function rolloutWorkflow(raw: RolloutInputDraft): Promise<RolloutProgress> {
  let final: RolloutProgress;
  try {
    final = await released(raw);
  } catch (err) {
    const ended = progressFromFailure(err);
    throw (ended && endingFailure(marked(ended))) ?? err;
  }
  return marked(final);
}
