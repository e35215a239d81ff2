import { formatMetrics } from '../format/progress';
import type { Plan } from './plan';

function contractLines(plan: Plan): string[] {
  const head = `contract (docs/CONTRACT.md), checked against the live catalog for role ${plan.role}:`;
  if (plan.contract.length === 0)
    return [
      head,
      `  GO     ${plan.relations} relations, their columns, keys, triggers and privileges, the functions and the ` +
        `ledger hold`,
    ];
  return [
    head,
    ...plan.contract.map(
      (f) => `  ${(f.severity === 'no-go' ? 'NO-GO' : 'note').padEnd(5)}  ${f.object}: ${f.problem}; ${f.fix}`,
    ),
  ];
}

/** The dry run as an operator reads it; the verdict alone on the last line, for scripts. */
export function formatPlan(plan: Plan): string {
  const width = Math.max(0, ...plan.checks.map((c) => c.name.length));
  const failed = [
    ...plan.contract.filter((f) => f.severity === 'no-go').map((f) => f.object),
    ...plan.checks.filter((c) => !c.ok).map((c) => c.name),
  ];
  return [
    `plan for target ${plan.target}, APR ${plan.apr}: a dry run in a READ ONLY transaction, nothing written`,
    ...(plan.seedScript
      ? [`seed script: ${plan.seedScript.path}  sha256 ${plan.seedScript.sha256} (run whole by psql; not dry-run)`]
      : []),
    `now: ${formatMetrics(plan.metrics)}`,
    '',
    ...contractLines(plan),
    '',
    'preconditions:',
    ...(plan.checks.length === 0
      ? ['  (not checked until the contract holds)']
      : plan.checks.map(
          (c) =>
            `  ${(c.ok ? 'GO' : 'NO-GO').padEnd(5)}  ${c.name.padEnd(width)}  expected ${c.expected}; actual ` +
            `${c.actual}${c.note ? `  (${c.note})` : ''}`,
        )),
    '',
    'what each step would change:',
    ...plan.changes.map((c) => `  ${c.step.padEnd(6)}  ${c.automated ? 'automated' : 'MANUAL   '}  ${c.summary}`),
    '',
    plan.verdict === 'GO' ? 'all preconditions hold' : `${failed.length} precondition(s) fail: ${failed.join(', ')}`,
    plan.verdict,
  ].join('\n');
}
