// The baseline for `rollout list`: load the Temporal client, connect, list by the same query, print.
import { Client, Connection } from '@temporalio/client';

async function main(): Promise<void> {
  const [address, query] = process.argv.slice(2);
  const connection = await Connection.connect({ address });
  try {
    const lines: string[] = [];
    for await (const info of new Client({ connection }).workflow.list({ query, pageSize: 20 })) {
      lines.push(`${info.workflowId}  ${info.status.name}  ${info.startTime.toISOString()}`);
      if (lines.length >= 20) break;
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await connection.close();
  }
}

void main();
