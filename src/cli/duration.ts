import { msToNumber } from '@temporalio/common/lib/time';
import { checkDuration } from './args';

/** "90s", "30m", "7d" in milliseconds. */
export function parseDuration(text: string): number {
  return msToNumber(checkDuration(text) as Parameters<typeof msToNumber>[0]);
}
