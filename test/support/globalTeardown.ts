import type { EmbeddedPostgres } from '../../src/infra/embeddedPostgres';
import type { DevServer } from '../../src/infra/temporalDevServer';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__GR_SERVERS__ as
    | { temporal?: DevServer; postgres?: EmbeddedPostgres }
    | undefined;
  await Promise.all([servers?.temporal?.stop(), servers?.postgres?.stop()]);
}
