import { formatMetrics } from '../format/progress';
import type { Plan } from './plan';

/** The dry run as an operator reads it; the verdict alone on the last line, for scripts. */
export function formatPlan(plan: Plan): string {
  const width = Math.max(...plan.checks.map((c) => c.name.length));
  const failed = plan.checks.filter((c) => !c.ok).map((c) => c.name);
  return [
    `plan for target ${plan.target}, APR ${plan.apr}: a dry run in a READ ONLY transaction, nothing written`,
    `now: ${formatMetrics(plan.metrics)}`,
    '',
    'preconditions:',
    ...plan.checks.map(
      (c) => `  ${(c.ok ? 'GO' : 'NO-GO').padEnd(5)}  ${c.name.padEnd(width)}  expected ${c.expected}; actual ${c.actual}${c.note ? `  (${c.note})` : ''}`,
    ),
    '',
    'what each step would change:',
    ...plan.changes.map((c) => `  ${c.step.padEnd(6)}  ${c.automated ? 'automated' : 'MANUAL   '}  ${c.summary}`),
    '',
    plan.verdict === 'GO' ? 'all preconditions hold' : `${failed.length} precondition(s) fail: ${failed.join(', ')}`,
    plan.verdict,
  ].join('\n');
}
