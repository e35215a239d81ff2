import { CliError, describeMessage, redact } from './cliError';
import { EXIT_CODES } from './exitCodes';

export { CliError, describeMessage, redact } from './cliError';

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
