import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

export class TemporalUnreachable extends Error {}

/** A client for the configured Temporal server; says plainly when there is none. */
export async function connectClient(config: Config): Promise<Client> {
  const { connectionOptions, namespace } = config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions, connectTimeout: 5_000 });
  } catch {
    throw new TemporalUnreachable(
      `Temporal is unreachable at ${connectionOptions.address}: start it (docker compose up, or temporal server start-dev) or set TEMPORAL_ADDRESS`,
    );
  }
  return new Client({ connection, namespace });
}
