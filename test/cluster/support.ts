import type { TemporalClusterOptions } from '../../src/infra/temporalServer';

/** The connection the Temporal server proper gets to a test PostgreSQL (its superuser). */
export function clusterPostgres(postgres: { port: number; url(): string }): TemporalClusterOptions['postgres'] {
  const url = new URL(postgres.url());
  return { host: url.hostname, port: postgres.port, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}
