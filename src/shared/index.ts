// The contract between the CLI, the worker and the workflow: names, signals, queries, inputs.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { GateClaim } from './input';
import type { RolloutProgress } from './progress';

export * from './input';
export * from './progress';
export * from './errors';

export const DEFAULT_TASK_QUEUE = 'governed-rollout';
export const WORKFLOW_TYPE = 'rolloutWorkflow';

/** A claim that people opened the gate; the workflow checks it against os_proposal_approvals. */
export const gateOpenedSignal = defineSignal<[GateClaim]>('gateOpened');
export const progressQuery = defineQuery<RolloutProgress>('progress');

/** One rollout per target database: the id is derived from the target, so a second start collides. */
export function workflowIdForTarget(target: string): string {
  return `rollout-${target}`;
}
