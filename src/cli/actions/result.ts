import { formatProgress } from '../../format/progress';
import { withTemporal } from '../context';
import { finalProgress, rolloutHandle } from '../execution';
import { exitCodeOf } from '../exitCodes';
import { print } from '../output';

export async function result(workflowId: string, opts: { json?: boolean }): Promise<void> {
  await withTemporal(async (client) => {
    const final = await finalProgress(rolloutHandle(client, workflowId));
    print(opts.json ? JSON.stringify(final, null, 2) : formatProgress(final));
    process.exitCode = exitCodeOf(final.state);
    if (final.state !== 'COMPLETED') {
      // stdout keeps the result alone (for --json); why it is not a success goes to stderr, with the next step.
      const why = final.reason ? `: ${final.reason.replace(/\s+/g, ' ')}` : '';
      process.stderr.write(
        `rollout: ${workflowId} ended ${final.state} (exit ${process.exitCode})${why}. Next: rollout report ` +
          `${workflowId} shows each step's numbers and what was undone\n`,
      );
    }
  });
}
