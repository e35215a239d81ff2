import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { ConnectionOptions } from '@temporalio/client';
import type { Config } from './config';
import { temporalConnectFailure } from './infra/temporalConnectError';

export class TemporalUnreachable extends Error {}

import { CALL_BOUND_MS, CONNECT_BOUND_MS } from './clientBounds';

export { CALL_BOUND_MS, CONNECT_BOUND_MS } from './clientBounds';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

// The next call as it is, with a deadline added. Next is the retry interceptor, whose call is an InterceptingCall.
const callDeadline: Interceptor = (options, nextCall) => {
  const has = options.deadline !== undefined && options.deadline !== Infinity;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  return nextCall(has ? options : { ...options, deadline: Date.now() + CALL_BOUND_MS }) as ReturnType<Interceptor>;
};

/** A client for the configured Temporal server; says plainly when there is none. */
export async function connectClient(config: Config): Promise<Client> {
  const { connectionOptions, namespace } = config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...connectionOptions,
      connectTimeout: CONNECT_BOUND_MS,
      // Outermost first: the deadline covers the retries too.
      interceptors: [callDeadline, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
    });
  } catch (err) {
    // The SDK's error carries no reason; the message names it (refused, DNS, TLS, the API key).
    throw new TemporalUnreachable(await temporalConnectFailure(connectionOptions), { cause: err });
  }
  return new Client({ connection, namespace });
}
