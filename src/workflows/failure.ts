import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The message a person should read: an activity's own failure, not the SDK's wrapper around it. */
export function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The failure type from the one list (shared/errors.ts) an activity failed with, if any. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
