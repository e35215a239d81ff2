// The CLI's own failure and how any message is said in one line: what the error wrapper and the reader of
// the libraries' errors (./describe) both need, with nothing of theirs.
import { describeNativeConnectError } from '../infra/temporalFailure';
import type { ExitName } from './exitCodes';

/** A failure the CLI explains in its own words, and the exit code (from the one table) it ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exit: ExitName = 'ERROR',
  ) {
    super(message);
  }
}

// Connection strings carry passwords; no message leaves the CLI with one in it.
export function redact(message: string): string {
  return (
    message
      .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@')
      // key=value conninfo, as psql takes it
      .replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***')
  );
}

/** A message as one line: the worker's Temporal connection (tonic's debug text) put in words, else its first line. */
export function describeMessage(message: string): string {
  return describeNativeConnectError(message) ?? message.split('\n')[0] ?? 'unknown error';
}
