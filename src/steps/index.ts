// Each step of the plan (shared STEP_PLAN) by its module. A new step is one module of the shape in ./types,
// one line here and one in the plan; a plan entry without a module does not compile.
import { STEP_PLAN, runsStep, type StepInput, type StepName } from '../shared';
import { cursor } from './cursor';
import { scan } from './scan';
import { seed } from './seed';
import type { Step } from './types';

const BY_NAME: Record<StepName, Step> = { seed, scan, cursor };

export const STEPS: readonly Step[] = STEP_PLAN.map((s) => BY_NAME[s.name]);

/** The steps a rollout with this input runs, in order. */
export function stepsFor(input: StepInput): Step[] {
  return STEPS.filter((s) => runsStep(s.name, input));
}

export function stepNamed(name: StepName): Step {
  return BY_NAME[name];
}

export type { Applied, Check, Change, Step, StepRun, Undone } from './types';
