import { randomUUID } from 'node:crypto';

export const TEMPLATE_DB = 'clone_fixture_template';

/** A name no other test uses: task queues, workflow ids, databases. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function uniqueDbName(): string {
  return `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}
