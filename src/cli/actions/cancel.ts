import { withTemporal } from '../context';
import { whileOpen } from '../execution';
import { print } from '../output';

export async function cancel(workflowId: string, opts: { json?: boolean }): Promise<void> {
  await withTemporal(async (client) => {
    await whileOpen(client, workflowId, (handle) => handle.cancel());
  });
  print(
    opts.json
      ? JSON.stringify({ workflowId, cancellationRequested: true })
      : `cancellation requested for ${workflowId}: compensation follows (rollout result ${workflowId} waits for it)`,
  );
}
