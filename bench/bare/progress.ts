// The baseline for `rollout progress ID`: load the Temporal client, connect, ask the progress query, print.
import { Client, Connection } from '@temporalio/client';

async function main(): Promise<void> {
  const [address, workflowId] = process.argv.slice(2);
  const connection = await Connection.connect({ address });
  try {
    const progress: unknown = await new Client({ connection }).workflow.getHandle(workflowId ?? '').query('progress');
    process.stdout.write(`${JSON.stringify(progress, null, 2)}\n`);
  } finally {
    await connection.close();
  }
}

void main();
