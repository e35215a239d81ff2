// The one table of exit codes. `--help` prints its rows, docs/OPERATIONS.md repeats it (a test holds
// the two together), and scripts branch on the numbers, so a code never changes its meaning.
import type { RolloutState } from '../shared';

export const EXIT_CODES = {
  OK: { code: 0, meaning: 'done; for result: the rollout ended COMPLETED; for plan: GO' },
  ERROR: {
    code: 1,
    meaning:
      'could not do it: bad input, nothing found, Temporal or PostgreSQL unreachable (one line on stderr says which)',
  },
  NO_GO: { code: 2, meaning: 'plan: a precondition fails (NO-GO); nothing was written' },
  FAILED: {
    code: 3,
    meaning: 'result: the rollout ended FAILED (a guard refused or a verification failed; see its reason)',
  },
  COMPENSATED: {
    code: 4,
    meaning: 'result: the rollout ended COMPENSATED (cancelled or failed, and what it wrote was undone)',
  },
  EXPIRED: { code: 5, meaning: 'result: the rollout ended EXPIRED (the gate timeout passed; nothing was written)' },
  NO_RESULT: {
    code: 6,
    meaning: 'result: Temporal ended the execution without a rollout result (terminated or timed out)',
  },
  CLOSED: { code: 7, meaning: 'gate-open, cancel: the rollout is closed already; nothing was sent' },
  TAMPERED: {
    code: 8,
    meaning:
      'report verify: the evidence packet was edited (the first edited field is named) or differs from the copy ' +
      "stored in the target's ledger",
  },
} as const;

export type ExitName = keyof typeof EXIT_CODES;

/** How `rollout result` exits for each way a rollout can end. */
const BY_STATE: Record<'COMPLETED' | 'FAILED' | 'COMPENSATED' | 'EXPIRED', ExitName> = {
  COMPLETED: 'OK',
  FAILED: 'FAILED',
  COMPENSATED: 'COMPENSATED',
  EXPIRED: 'EXPIRED',
};

export function exitCodeOf(state: RolloutState): number {
  const name = (BY_STATE as Partial<Record<RolloutState, ExitName>>)[state];
  // Not an ending: the caller waited for the end, so this is a result it cannot read.
  return EXIT_CODES[name ?? 'NO_RESULT'].code;
}

/** The codes each command can end with besides 0 and 1 (`rollout <command> --help` lists them). */
export const COMMAND_EXITS: Readonly<Record<string, readonly ExitName[]>> = {
  plan: ['NO_GO'],
  result: ['FAILED', 'COMPENSATED', 'EXPIRED', 'NO_RESULT'],
  'gate-open': ['CLOSED'],
  cancel: ['CLOSED'],
  report: ['TAMPERED'],
};

/** The rows a command can exit with, for its `--help`. */
export function exitCodesHelp(names: readonly ExitName[] = Object.keys(EXIT_CODES) as ExitName[]): string {
  return ['Exit codes:', ...names.map((n) => `  ${EXIT_CODES[n].code}  ${EXIT_CODES[n].meaning}`)].join('\n');
}

/** The table as docs/OPERATIONS.md shows it (Markdown). */
export function exitCodesMarkdown(): string {
  return [
    '| exit | meaning |',
    '|---|---|',
    ...Object.values(EXIT_CODES).map((e) => `| ${e.code} | ${e.meaning} |`),
  ].join('\n');
}
