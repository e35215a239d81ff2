// What the security tests share: how a step's failure was recorded in the workflow's history.
import type { WorkflowHandle } from '@temporalio/client';

export interface RecordedFailure {
  message: string;
  type: string;
  nonRetryable: boolean;
}

/** Every activity failure in the history: a non-retryable guard refusal shows once, not once per retry. */
export async function activityFailures(handle: WorkflowHandle): Promise<RecordedFailure[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const failure = e.activityTaskFailedEventAttributes?.failure;
    if (!failure) return [];
    const info = failure.applicationFailureInfo;
    return [{ message: failure.message ?? '', type: info?.type ?? '', nonRetryable: Boolean(info?.nonRetryable) }];
  });
}
