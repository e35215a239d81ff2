// Temporal's connection failures in one line each: pure text, so the CLI can say them without loading the SDK.

export interface GrpcFailure {
  code?: number;
  details?: string;
  message?: string;
}

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

/** One line: what failed, gRPC's reason, and what to check. */
export function describeTemporalFailure(address: string, err: GrpcFailure): string {
  const raw = (err.details ?? err.message ?? 'no reason given').split('\n')[0] ?? '';
  const reason = raw
    .replace(/^No connection established\. Last error: (Error: )?/, '')
    .replace(/\.? Resolution note: ?$/, '')
    // OpenSSL's "<id>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:" → the reason.
    .replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):.*$/, '$1');
  if (err.code === UNAUTHENTICATED || err.code === PERMISSION_DENIED) {
    return (
      `Temporal at ${address} refused the credentials (${reason}): check TEMPORAL_API_KEY, the TLS client ` +
      `certificate or the profile (TEMPORAL_PROFILE)`
    );
  }
  if (/Name resolution failed|ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(reason)) {
    return `Temporal's host in ${address} does not resolve (${reason}): check TEMPORAL_ADDRESS`;
  }
  if (/SSL|TLS|certificate|wrong version number|handshake/i.test(reason)) {
    return (
      `TLS with Temporal at ${address} failed (${reason}): check TEMPORAL_TLS, ` +
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH and the server's certificate, or the profile`
    );
  }
  return (
    `Temporal is unreachable at ${address} (${reason}): start it (docker compose up, or temporal server ` +
    `start-dev) or set TEMPORAL_ADDRESS`
  );
}

/**
 * The worker's connection (the SDK's Rust core) fails with tonic's debug text, e.g.
 * `tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:1, Os {
 * code: 111, kind: ConnectionRefused, message: "Connection refused" })))`: the same one line as the
 * client's, or undefined for any other message.
 */
export function describeNativeConnectError(message: string): string | undefined {
  if (!message.includes('tonic::transport::Error(')) return undefined;
  // Connected, then nothing: a stalled tunnel, or not a gRPC server at all.
  if (message.includes('TimeoutExpired')) {
    return (
      'Temporal did not answer the worker in time (tonic: TimeoutExpired): ' +
      'check TEMPORAL_ADDRESS and the link to it'
    );
  }
  const tcp = /ConnectError\("tcp connect error", ([^,]+), Os \{[^}]*message: "([^"]+)" \}/.exec(message);
  if (tcp?.[1] && tcp[2]) return describeTemporalFailure(tcp[1], { details: tcp[2].toLowerCase() });
  const dns = /ConnectError\("dns error", Custom \{[^}]*error: "([^"]+)" \}/.exec(message);
  if (dns?.[1]) return `Temporal's host does not resolve (${dns[1]}): check TEMPORAL_ADDRESS`;
  const tls: [RegExp, (m: RegExpExecArray) => string][] = [
    [
      /InvalidContentType/,
      () =>
        'the server did not answer in TLS: is it a plain-text server, with TLS turned on by TEMPORAL_TLS or ' +
        'TEMPORAL_API_KEY?',
    ],
    [
      /InvalidCertificate\((.*?)\)* \}/,
      (m) =>
        `the server's certificate was refused: ${(m[1] ?? '')
          .replace(/\w+Error\(|\(|\)/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()}`,
    ],
  ];
  for (const [pattern, reason] of tls) {
    const m = pattern.exec(message);
    if (m)
      return (
        `TLS with Temporal failed (${reason(m)}): check TEMPORAL_TLS, TEMPORAL_TLS_SERVER_CA_CERT_PATH and the ` +
        `server's certificate, or the profile`
      );
  }
  return `the connection to Temporal failed (${message}): check TEMPORAL_ADDRESS and its TLS settings`;
}
