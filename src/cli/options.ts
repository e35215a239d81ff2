import { readFileSync } from 'node:fs';
import { msToNumber } from '@temporalio/common/lib/time';
import { Ruleset, WorkflowId } from '../shared';
import { CliError } from './errors';

/** A ruleset document from a JSON file, validated. */
export function readRuleset(file: string): Ruleset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ruleset file ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`ruleset file ${file} is not valid JSON`);
  }
  const parsed = Ruleset.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`ruleset file ${file}: ${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** "90s", "30m", "7d" in milliseconds. */
export function parseDuration(text: string): number {
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(text.trim())) {
    throw new CliError(`duration ${JSON.stringify(text)} is not like 90s, 30m, 12h or 7d`);
  }
  return msToNumber(text.trim() as Parameters<typeof msToNumber>[0]);
}

export function workflowIdArg(id: string): string {
  const parsed = WorkflowId.safeParse(id);
  if (!parsed.success) throw new CliError(`workflow id ${JSON.stringify(id.slice(0, 80))}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
