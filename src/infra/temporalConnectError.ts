import { Connection, type ConnectionOptions } from '@temporalio/client';
import { describeTemporalFailure, type GrpcFailure } from './temporalFailure';

export { describeNativeConnectError, describeTemporalFailure } from './temporalFailure';

const QUESTION_TIMEOUT_MS = 5_000;

/**
 * Why a Temporal connection failed. The SDK's own error says only "Failed to connect before the
 * deadline"; one plain request on a lazy connection gets gRPC's reason (refused, DNS, TLS, the API
 * key), which the caller puts in its one line.
 */
export async function temporalConnectFailure(options: ConnectionOptions): Promise<string> {
  // No retry interceptor: the first failure is the answer. A subchannel of its own: the shared one
  // of the failed connection is in back-off and has forgotten its last error.
  const connection = Connection.lazy({
    ...options,
    interceptors: [],
    channelArgs: { ...options.channelArgs, 'grpc.use_local_subchannel_pool': 1 },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.workflowService.getSystemInfo({}),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${QUESTION_TIMEOUT_MS / 1000} s`)),
          QUESTION_TIMEOUT_MS,
        );
      }),
    ]);
    return 'it answered on a second try';
  } catch (err) {
    return describeTemporalFailure(options.address ?? 'localhost:7233', err as GrpcFailure);
  } finally {
    clearTimeout(timer);
    await connection.close().catch(() => undefined);
  }
}
