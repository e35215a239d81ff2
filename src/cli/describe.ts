// The two error classes alone, not the whole SDK package: a ZodError (`rollout start --apr bad`) is said
// without loading the rest.
import { WorkflowNotFoundError } from '@temporalio/common/lib/errors';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common/lib/failure';
import { ZodError } from 'zod';
import { CALL_BOUND_MS } from '../clientBounds';
import { DatabaseUnreachable } from '../db/unreachable';
import { describeIssues } from '../shared/input';
import { CliError, describeMessage } from './cliError';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', '57P03']);

function codeOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** gRPC's DEADLINE_EXCEEDED anywhere in the cause chain: a call to Temporal that got no answer in its bound. */
function deadlineExceeded(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    if ((e as { code?: unknown }).code === 4) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
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
    return (
      `a rollout is already running as ${err.workflowId} (one per target): follow it with rollout progress ` +
      `${err.workflowId}, or cancel it`
    );
  }
  if (err instanceof DatabaseUnreachable) {
    return `${err.message}: check DATABASE_URL, the tunnel to it, and that the server runs`;
  }
  const code = codeOf(err);
  if (code && UNREACHABLE.has(code)) {
    const where = (err as { address?: string; port?: number }).address;
    const port = (err as { port?: number }).port;
    return (
      `PostgreSQL is unreachable${where ? ` at ${where}${port ? `:${port}` : ''}` : ''} (${code}): check ` +
      `DATABASE_URL and that the server runs`
    );
  }
  if (code === '28P01' || code === '28000') return 'PostgreSQL refused the credentials in DATABASE_URL';
  if (code === '3D000') return 'the database named in DATABASE_URL does not exist';
  const message = err instanceof Error ? err.message : String(err);
  if (deadlineExceeded(err)) {
    const what = message.split('\n')[0] ?? '';
    return (
      `Temporal did not answer within ${CALL_BOUND_MS / 1000} s (${what}): check TEMPORAL_ADDRESS and the link to ` +
      `it; ` +
      'the rollout itself goes on'
    );
  }
  return describeMessage(message);
}
