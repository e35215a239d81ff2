import { Context } from '@temporalio/activity';
import type { Metrics, RolloutState } from '../shared/progress';
import { numbersLine } from '../shared/metrics';

export const NOTIFY_EVENTS = [
  'waiting-for-gate',
  'gate-refused',
  'gate-accepted',
  'completed',
  'compensating',
  'compensated',
  'failed',
  'expired',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export interface Notification {
  event: NotifyEvent;
  workflowId: string;
  target: string;
  apr: string;
  state: RolloutState;
  reason: string | null;
  metrics: Metrics | null;
}

export interface Notifier {
  /** POSTed as JSON when set; the plain log line is written always. */
  webhookUrl?: string | undefined;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export function notificationLine(n: Notification): string {
  const m = n.metrics;
  const numbers = m ? ` ${numbersLine(m)}` : '';
  return (
    `rollout ${n.event}: ${n.workflowId} target=${n.target} apr=${n.apr} ` +
    `state=${n.state}${numbers}${n.reason ? ` reason=${JSON.stringify(n.reason)}` : ''}`
  );
}

function defaultLog(line: string): void {
  try {
    Context.current().log.info(line);
  } catch {
    process.stdout.write(`${line}\n`);
  }
}

/** Logs the event, then delivers it to the webhook; a failed delivery throws so Temporal retries it. */
export async function notify(notifier: Notifier, n: Notification): Promise<{ delivered: boolean }> {
  (notifier.log ?? defaultLog)(notificationLine(n));
  if (!notifier.webhookUrl) return { delivered: false };
  const response = await (notifier.fetch ?? fetch)(notifier.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(n),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  return { delivered: true };
}
