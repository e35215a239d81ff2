// What every command writes, with nothing heavier than Node loaded: `--help` and usage errors use it too.

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/**
 * A reader that closes the pipe early (`rollout progress ID --watch | head -1`) has what it wanted:
 * the command ends there, quietly, instead of dying on EPIPE with a stack trace. Any other failure to
 * write stdout is one line on stderr, like every other error. A command with work in flight (the
 * worker) replaces `outputClosed` to stop gracefully instead.
 */
export const outputClosed = {
  handle: (code: string | undefined): void => {
    if (code !== 'EPIPE') process.stderr.write(`rollout: cannot write the output (${code ?? 'unknown error'})\n`);
    process.exit(code === 'EPIPE' ? 0 : 1);
  },
};

export function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => outputClosed.handle(err.code));
}
