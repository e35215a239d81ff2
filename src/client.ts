import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';
import { temporalConnectFailure } from './infra/temporalConnectError';

export class TemporalUnreachable extends Error {}

/** A client for the configured Temporal server; says plainly when there is none. */
export async function connectClient(config: Config): Promise<Client> {
  const { connectionOptions, namespace } = config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions, connectTimeout: 5_000 });
  } catch (err) {
    // The SDK's error carries no reason; the message names it (refused, DNS, TLS, the API key).
    throw new TemporalUnreachable(await temporalConnectFailure(connectionOptions), { cause: err });
  }
  return new Client({ connection, namespace });
}
