import { describeNativeConnectError } from '../infra/temporalFailure';
import { EXIT_CODES, type ExitName } from './exitCodes';

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

/**
 * The CLI's own errors need no library to be said (usage errors answer before any is loaded); any
 * other error is read by `describeError`, which knows the libraries' errors and so loads them.
 */
async function oneLine(err: unknown): Promise<string> {
  if (err instanceof CliError) return describeMessage(err.message);
  const { describeError } = await import('./describe.js');
  return describeError(err);
}

/** The one error wrapper: prints one line on stderr and sets a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`rollout: ${redact(await oneLine(err))}\n`);
      process.exitCode = EXIT_CODES[err instanceof CliError ? err.exit : 'ERROR'].code;
    }
  };
}
