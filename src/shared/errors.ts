// The one list of failure types. Workflows and CLI match on these names, never on messages.
export const ErrorType = {
  /** Input that fails validation; retrying cannot help. */
  InvalidInput: 'InvalidInput',
  /** A self-guard found the database not as expected and wrote nothing. */
  GuardRefused: 'GuardRefused',
  /**
   * A step's transaction wrote other than its declared footprint (a trigger's, a rule's or a cascade's
   * write, rows its role cannot see, another count): rolled back, nothing written.
   */
  FootprintViolated: 'FootprintViolated',
  /**
   * Production's own seed script (its own COMMIT) wrote outside the seed's footprint: found after it
   * committed; the seed's rows are compensated, the rest is named for people to undo.
   */
  WroteOutsideFootprint: 'WroteOutsideFootprint',
  /** A step's deltas are not the expected ones after it committed. */
  VerificationFailed: 'VerificationFailed',
  /** A compensation found rows it does not own where it would write, and wrote nothing. */
  CompensationRefused: 'CompensationRefused',
  /** The worker serves a different database than the workflow names. */
  TargetMismatch: 'TargetMismatch',
  /** PostgreSQL rejected a statement for a reason retries cannot fix (privileges, constraints). */
  DatabaseRejected: 'DatabaseRejected',
  /**
   * PostgreSQL did not answer (a stalled or broken link, no connection within its bound): retryable;
   * details[0] is `{ since }`, when it last answered, for what the rollout says it waits for.
   */
  DatabaseUnreachable: 'DatabaseUnreachable',
  /**
   * How a rollout that did not complete ends in Temporal (status Failed, so the UI's list tells it
   * apart from a completed one): the type names its state, details[0] is its final progress.
   */
  RolloutCompensated: 'RolloutCompensated',
  RolloutFailed: 'RolloutFailed',
  RolloutExpired: 'RolloutExpired',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];
