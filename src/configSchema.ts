// The environment's rules (config.ts) as zod schemas, loaded only for an environment that breaks one.
import { z } from 'zod';
import type { TextRule } from './shared/names';
import { describeIssues, textSchema } from './shared/input';

/** What zod says of the first variable that breaks its rule, or null when none does. */
export function envProblem(env: NodeJS.ProcessEnv, rules: Record<string, TextRule>): string | null {
  const schema = z.object(
    Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, textSchema(rule).optional()])),
  );
  const parsed = schema.safeParse(env);
  return parsed.success ? null : describeIssues(parsed.error);
}
