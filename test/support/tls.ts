// A self-signed certificate made with openssl, for the TLS tests (PostgreSQL's sslmode, Temporal's TLS).
import { execFileSync } from 'node:child_process';

/** Writes key and cert for `subject` (e.g. /CN=localhost), with the names given as subjectAltName when any. */
export function selfSignedCertificate(key: string, cert: string, subject: string, altNames?: string): void {
  const ext = altNames ? ['-addext', `subjectAltName=${altNames}`] : [];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      subject,
      ...ext,
    ],
    { stdio: 'ignore' },
  );
}
