// The two error classes alone, not the whole SDK package: a ZodError (`rollout start --apr bad`) is said
// without loading the rest.
import { WorkflowNotFoundError } from '@temporalio/common/lib/errors';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common/lib/failure';
import { ZodError } from 'zod';
import { describeIssues } from '../shared/input';
import { CliError, describeMessage } from './errors';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', '57P03']);

function codeOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** One line that says what went wrong and, where it can, what to do. */
export function describeError(err: unknown): string {
  // The CLI's own words, as the error wrapper says them without loading this module.
  if (err instanceof CliError) return describeMessage(err.message);
  if (err instanceof ZodError) return describeIssues(err);
  if (err instanceof WorkflowNotFoundError) {
    return `no rollout with workflow id ${err.workflowId}: check the id (rollout start prints it)`;
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return `a rollout is already running as ${err.workflowId} (one per target): follow it with rollout progress ${err.workflowId}, or cancel it`;
  }
  const code = codeOf(err);
  if (code && UNREACHABLE.has(code)) {
    const where = (err as { address?: string; port?: number }).address;
    const port = (err as { port?: number }).port;
    return `PostgreSQL is unreachable${where ? ` at ${where}${port ? `:${port}` : ''}` : ''} (${code}): check DATABASE_URL and that the server runs`;
  }
  if (code === '28P01' || code === '28000') return 'PostgreSQL refused the credentials in DATABASE_URL';
  if (code === '3D000') return 'the database named in DATABASE_URL does not exist';
  return describeMessage(err instanceof Error ? err.message : String(err));
}
