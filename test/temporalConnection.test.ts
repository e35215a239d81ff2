// A Temporal connection that fails says why in its one line: refused, DNS, TLS, the credentials.
import http2 from 'node:http2';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeNativeConnectError, describeTemporalFailure } from '../src/infra/temporalConnectError';
import { envFor, expectOneLineError, rollout } from './support/cli';
import { freshDatabase } from './support/db';
import { temporalAddress } from './support/harness';
import { selfSignedCertificate } from './support/tls';

const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: os.tmpdir(),
  ...extra,
});

describe('Temporal connection errors keep their cause', () => {
  let dir: string;
  let tlsServer: http2.Http2SecureServer;
  let tlsPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gr-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    selfSignedCertificate(key, cert, '/CN=localhost');
    // A TLS endpoint with a self-signed certificate, where a Temporal frontend would be.
    tlsServer = http2.createSecureServer({ key: readFileSync(key), cert: readFileSync(cert) });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => tlsServer.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test.concurrent('nothing listening: unreachable, connection refused', async () => {
    const result = await rollout(['list'], env({ TEMPORAL_ADDRESS: '127.0.0.1:1' }));
    expectOneLineError(
      result,
      /Temporal is unreachable at 127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\): start it/,
    );
  });

  test.concurrent('a host that does not resolve: the DNS failure, not "unreachable"', async () => {
    const result = await rollout(['list'], env({ TEMPORAL_ADDRESS: 'no-such-host.invalid:7233' }));
    expectOneLineError(
      result,
      /Temporal's host in no-such-host\.invalid:7233 does not resolve \(.*\): check TEMPORAL_ADDRESS/,
    );
  });

  test.concurrent('TLS to a server without TLS: the TLS failure', async () => {
    // By name: TLS to an IP address makes node warn about SNI.
    const address = temporalAddress().replace('127.0.0.1', 'localhost');
    const result = await rollout(['list'], env({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS: 'true' }));
    expectOneLineError(
      result,
      /TLS with Temporal at localhost:\d+ failed \(wrong version number\): check TEMPORAL_TLS/,
    );
  });

  test.concurrent('a self-signed certificate the client does not trust: says so', async () => {
    const result = await rollout(['list'], env({ TEMPORAL_ADDRESS: `localhost:${tlsPort}`, TEMPORAL_TLS: 'true' }));
    expectOneLineError(result, /TLS with Temporal at localhost:\d+ failed \(.*self[- ]signed certificate.*\)/);
  });

  test('credentials refused (a bad API key): names the API key', () => {
    const line = describeTemporalFailure('temporal.example:7233', { code: 16, details: 'Request unauthorized.' });
    expect(line).toBe(
      'Temporal at temporal.example:7233 refused the credentials (Request unauthorized.): check TEMPORAL_API_KEY, ' +
        'the TLS client certificate or the profile (TEMPORAL_PROFILE)',
    );
  });

  test.concurrent(
    "the worker (the SDK's native connection): refused and TLS in words, not tonic's debug text",
    async () => {
      const db = await freshDatabase();
      try {
        const refused = await rollout(['worker'], envFor(db, { TEMPORAL_ADDRESS: '127.0.0.1:1' }));
        expectOneLineError(
          refused,
          /^rollout: Temporal is unreachable at 127\.0\.0\.1:1 \(connection refused\): start it/,
        );
        const address = temporalAddress().replace('127.0.0.1', 'localhost');
        const tls = await rollout(['worker'], envFor(db, { TEMPORAL_ADDRESS: address, TEMPORAL_TLS: 'true' }));
        expectOneLineError(
          tls,
          /^rollout: TLS with Temporal failed \(the server did not answer in TLS: is it a plain-text server/,
        );
      } finally {
        await db.drop();
      }
    },
  );

  test('the worker and a certificate it does not trust', () => {
    const message =
      'tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: ' +
      'InvalidCertificate(UnknownIssuer) }))';
    expect(describeNativeConnectError(message)).toMatch(
      /^TLS with Temporal failed \(the server's certificate was refused: UnknownIssuer\): check TEMPORAL_TLS/,
    );
    expect(describeNativeConnectError('some other failure')).toBeUndefined();
  });

  // As a stalled tunnel makes it: test/faults/stallTemporal.fault.ts.
  test('the worker and a server that connects, then says nothing', () => {
    const message =
      'Failed to call GetSystemInfo: code: \'The operation was cancelled\', message: "Timeout expired", ' +
      'source: tonic::transport::Error(Transport, TimeoutExpired(()))';
    expect(describeNativeConnectError(message)).toMatch(
      /^Temporal did not answer the worker in time \(tonic: TimeoutExpired\): check TEMPORAL_ADDRESS/,
    );
  });
});
