// Command-line values checked before a command loads its libraries, so a usage error answers at once.
import { msToNumber } from '@temporalio/common/lib/time';
import { WORKFLOW_ID } from '../shared/names';
import { CliError } from './errors';

/** "90s", "30m", "7d" in milliseconds. */
export function parseDuration(text: string): number {
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(text.trim())) {
    throw new CliError(`duration ${JSON.stringify(text)} is not like 90s, 30m, 12h or 7d`);
  }
  return msToNumber(text.trim() as Parameters<typeof msToNumber>[0]);
}

/** A workflow id, by the WorkflowId schema's own rules and words. */
export async function workflowIdArg(id: string): Promise<string> {
  const invalid = (message: string | undefined) => new CliError(`workflow id ${JSON.stringify(id.slice(0, 80))}: ${message ?? 'invalid'}`);
  if (id.length >= WORKFLOW_ID.min && id.length <= WORKFLOW_ID.max) {
    if (WORKFLOW_ID.pattern.test(id)) return id;
    throw invalid(WORKFLOW_ID.message);
  }
  // Out of bounds: zod's own words for the length, as the schema gives them.
  const { WorkflowId } = await import('../shared/input.js');
  const parsed = WorkflowId.safeParse(id);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message);
  return parsed.data;
}
