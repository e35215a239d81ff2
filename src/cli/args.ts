// Command-line values checked before a command loads its libraries, so a usage error answers at once.
import type { z } from 'zod';
import { WORKFLOW_ID, holds, ownWords, type TextRule } from '../shared/names';
import { CliError } from './errors';
import type * as Schemas from './schemas';

/**
 * The CLI's schemas, loaded when a value needs them: a value that breaks a rule in the rule's own words is
 * said without them. A sync require, as the checks that call it are synchronous.
 */
export function schemas(): typeof Schemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./schemas') as typeof Schemas;
}

/** A value by one of the CLI's schemas; its first problem is the CLI's one line, in the schema's words. */
export function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(schemas().describeIssues(parsed.error));
  return parsed.data;
}

/** A value that breaks its rule where the rule has words for it: said as the schema says it (`where: words`). */
export function checkRule(rule: TextRule, value: string, where: string): void {
  const own = holds(rule, value) ? undefined : ownWords(rule, value);
  if (own) throw new CliError(`${where}: ${own}`);
}

/** A duration's form, "90s", "30m", "7d" (options.ts's parseDuration turns it into milliseconds). */
export function checkDuration(text: string): string {
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(text.trim())) {
    throw new CliError(`duration ${JSON.stringify(text)} is not like 90s, 30m, 12h or 7d`);
  }
  return text.trim();
}

/** A workflow id, by the WorkflowId schema's own rules and words. */
export function workflowIdArg(id: string): string {
  const where = `workflow id ${JSON.stringify(id.slice(0, 80))}`;
  checkRule(WORKFLOW_ID, id, where);
  if (holds(WORKFLOW_ID, id)) return id;
  // A length out of bounds: zod's words for it, as the schema gives them.
  const parsed = schemas().WorkflowId.safeParse(id);
  if (!parsed.success) throw new CliError(`${where}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
