import { z } from 'zod';
import { describeIssues } from '../shared';

export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8080';

const UiUrl = z
  .string()
  .regex(/^https?:\/\/[^\s?#]+$/, 'TEMPORAL_UI_URL must be an http(s) URL like http://localhost:8080')
  .default(DEFAULT_TEMPORAL_UI_URL);

/** The Temporal Web UI's base URL: TEMPORAL_UI_URL, or the docker compose stack's. */
export function temporalUiBase(env: NodeJS.ProcessEnv): string {
  const parsed = UiUrl.safeParse(env.TEMPORAL_UI_URL || undefined);
  if (!parsed.success) throw new Error(describeIssues(parsed.error));
  return parsed.data.replace(/\/+$/, '');
}

/** The page of one run's history in the Temporal Web UI. */
export function workflowUrl(base: string, namespace: string, workflowId: string, runId: string): string {
  const part = encodeURIComponent;
  return `${base}/namespaces/${part(namespace)}/workflows/${part(workflowId)}/${part(runId)}/history`;
}
