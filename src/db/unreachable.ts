// Its own module, with no driver behind it: the CLI's error wrapper names it without loading pg.

/** PostgreSQL did not answer: retryable, and `since` says from when, for what the rollout waits for. */
export class DatabaseUnreachable extends Error {
  constructor(
    message: string,
    readonly since: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DatabaseUnreachable';
  }
}
