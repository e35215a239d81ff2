// Names and formats with no library behind them: the CLI reads them before it loads zod or the SDK
// (`rollout progress 'bad id'` answers at once). input.ts builds its schemas from the same values.

export const DEFAULT_TASK_QUEUE = 'governed-rollout';

/** A target's own task queue: its rollouts' activities reach only workers connected to it. */
export function taskQueueForTarget(target: string): string {
  return `${DEFAULT_TASK_QUEUE}-${target}`;
}

export const WORKFLOW_TYPE = 'rolloutWorkflow';

/** What a workflow id is; the WorkflowId schema is built from it. */
export const WORKFLOW_ID = {
  min: 1,
  max: 200,
  pattern: /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
  message: 'a workflow id is letters, digits and . _ : / -',
} as const;

/** One rollout per target database: the id is derived from the target, so a second start collides. */
export function workflowIdForTarget(target: string): string {
  return `rollout-${target}`;
}

/** The UI's one-line summary of a rollout, set when it starts. */
export function rolloutSummary(apr: string, target: string): string {
  return `governed rollout (packet step G) of ${apr} on ${target}`;
}
