import type { Pool } from '../db/pool';
import type { StepInput, StepName } from '../shared';
import type { Notifier } from './notify';

export interface ActivityDeps {
  pool: Pool;
  /** The database this worker serves, by name; a workflow naming another is refused. */
  target: string;
  /** Where rollout events go besides the log: the worker's own setting, never workflow input. */
  notifier?: Notifier;
  /** The worker's build id, recorded in each evidence packet. */
  workerBuild?: string;
}

/** Every activity input names its target, so a worker never acts on a database it was not meant for. */
export interface Targeted {
  target: string;
}

/** One step of one rollout, with what the steps read of its input. */
export interface StepCall extends Targeted {
  rolloutId: string;
  step: StepName;
  input: StepInput;
}
