// Command-line values checked before a command loads its libraries, so a usage error answers at once.
import { WORKFLOW_ID, holds, ownWords } from '../shared/names';
import { CliError } from './errors';

/** A duration's form, "90s", "30m", "7d" (options.ts's parseDuration turns it into milliseconds). */
export function checkDuration(text: string): string {
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(text.trim())) {
    throw new CliError(`duration ${JSON.stringify(text)} is not like 90s, 30m, 12h or 7d`);
  }
  return text.trim();
}

/** A workflow id, by the WorkflowId schema's own rules and words. */
export async function workflowIdArg(id: string): Promise<string> {
  const invalid = (message: string | undefined) =>
    new CliError(`workflow id ${JSON.stringify(id.slice(0, 80))}: ${message ?? 'invalid'}`);
  if (holds(WORKFLOW_ID, id)) return id;
  const own = ownWords(WORKFLOW_ID, id);
  if (own) throw invalid(own);
  // A length out of bounds: zod's words for it, as the schema gives them.
  const { WorkflowId } = await import('../shared/input.js');
  const parsed = WorkflowId.safeParse(id);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message);
  return parsed.data;
}
