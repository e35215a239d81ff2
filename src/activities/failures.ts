import { ApplicationFailure } from '@temporalio/common';
import { DatabaseUnreachable } from '../db/liveness';
import { ErrorType } from '../shared/errors';

// SQLSTATEs raised by our own guards (sql/commit_ready_f6_ownership_seed.sql).
const GUARD_SQLSTATE = 'GR001';

// Classes a retry cannot fix: data exceptions, integrity, syntax or privilege, invalid transaction
// state, PL/pgSQL raise. Everything else (connection loss, shutdown, lock timeouts, serialization,
// resources) is transient and left for Temporal to retry with backoff.
const PERMANENT_CLASSES = new Set(['22', '23', '25', '2B', '42', 'P0']);

function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export function guardRefused(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ErrorType.GuardRefused);
}

export function compensationRefused(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ErrorType.CompensationRefused);
}

/** Maps a database error onto Temporal's retry semantics; leaves other errors as they are. */
export function classify(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DatabaseUnreachable) {
    return ApplicationFailure.retryable(err.message, ErrorType.DatabaseUnreachable, { since: err.since });
  }
  const code = sqlState(err);
  if (!code) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (code === GUARD_SQLSTATE) return ApplicationFailure.nonRetryable(message, ErrorType.GuardRefused);
  if (PERMANENT_CLASSES.has(code.slice(0, 2))) {
    return ApplicationFailure.nonRetryable(`${message} (SQLSTATE ${code})`, ErrorType.DatabaseRejected);
  }
  return err;
}
