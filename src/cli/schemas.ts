// The schemas the CLI checks its input with. The build makes this module one file with the part of zod
// it uses (scripts/bundle-cli-schemas.js): zod's own build is ~95 modules, its every locale among them,
// and a usage error a schema finds would wait ~60 ms on it. Load it with args.ts's `schemas()`, when a
// value needs it.
import { RolloutInput } from '../shared/input';

export {
  Expected,
  GateClaim,
  RehearsalEvidence,
  RolloutInput,
  Ruleset,
  SeedScript,
  WorkflowId,
  describeIssues,
} from '../shared/input';

/** What start's flags and files make: a rollout's input before the environment names its target. */
export const RolloutFlags = RolloutInput.omit({ target: true });
