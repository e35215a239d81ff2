// Names and formats with no library behind them: the CLI reads them before it loads zod or the SDK
// (`rollout progress 'bad id'` answers at once). input.ts builds its schemas from the same values.

export const DEFAULT_TASK_QUEUE = 'governed-rollout';

/** A target's own task queue: its rollouts' activities reach only workers connected to it. */
export function taskQueueForTarget(target: string): string {
  return `${DEFAULT_TASK_QUEUE}-${target}`;
}

export const WORKFLOW_TYPE = 'rolloutWorkflow';
/** The progress query's name (index.ts defines it for the workflow; a client may ask it by name). */
export const PROGRESS_QUERY = 'progress';

/**
 * A rule for a text value: length bounds, a pattern and a predicate, each with the words that explain
 * it. input.ts builds zod schemas from these (textSchema), in this order; `holds` checks the same rule
 * without zod, so a value that passes needs no schema library loaded.
 */
export interface TextRule {
  min?: number;
  max?: number;
  /** The words for a length out of bounds; without them, zod's own. */
  lengthMessage?: string;
  pattern?: RegExp;
  test?: (value: string) => boolean;
  message?: string;
}

export function holds(rule: TextRule, value: unknown): boolean {
  return (
    typeof value === 'string' &&
    (rule.min === undefined || value.length >= rule.min) &&
    (rule.max === undefined || value.length <= rule.max) &&
    (rule.pattern === undefined || rule.pattern.test(value)) &&
    (rule.test === undefined || rule.test(value))
  );
}

/**
 * Why a value breaks the rule, when zod would say it in the rule's own words. Undefined otherwise (a length
 * bound with no words of the rule's: zod's, so ask zod).
 */
export function ownWords(rule: TextRule, value: string): string | undefined {
  if ((rule.min !== undefined && value.length < rule.min) || (rule.max !== undefined && value.length > rule.max))
    return rule.lengthMessage;
  if (rule.pattern && !rule.pattern.test(value)) return rule.message;
  if (rule.test && !rule.test(value)) return rule.message;
  return undefined;
}

/** What a workflow id is; the WorkflowId schema is built from it. */
export const WORKFLOW_ID: TextRule = {
  min: 1,
  max: 200,
  pattern: /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
  message: 'a workflow id is letters, digits and . _ : / -',
};

/** What an APR code is; the AprCode schema is built from it. */
export const APR_CODE: TextRule = {
  max: 64,
  lengthMessage: 'an APR code has at most 64 characters',
  pattern: /^APR-[A-Z0-9]+(-[A-Z0-9]+)*$/,
  message: 'an APR code looks like APR-BOOT-AUTHMODEL-1',
};

/** What a snapshot ref is; the SnapshotRef schema is built from it. */
export const SNAPSHOT_REF: TextRule = {
  pattern: /^SNAP-\d{8}T\d{6}Z-[0-9a-f]{8}$/,
  message: 'a snapshot ref looks like SNAP-20261124T101500Z-1a2b3c4d (from `rollout snapshot create`)',
};

/** What a target name is; the TargetName schema is built from it. */
export const TARGET_NAME: TextRule = {
  pattern: /^[a-z0-9][a-z0-9._-]{0,62}$/,
  message: 'a target name is 1-63 of a-z 0-9 . _ - (it names the database, never with credentials)',
};

/** One rollout per target database: the id is derived from the target, so a second start collides. */
export function workflowIdForTarget(target: string): string {
  return `rollout-${target}`;
}

/** The UI's one-line summary of a rollout, set when it starts. */
export function rolloutSummary(apr: string, target: string): string {
  return `governed rollout (packet step G) of ${apr} on ${target}`;
}
