import { ActivityFailure } from '@temporalio/workflow';

/** The message a person should read: an activity's own failure, not the SDK's wrapper around it. */
export function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
