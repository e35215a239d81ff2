import type { EmbeddedPostgres } from '../../src/infra/embeddedPostgres';
import type { TemporalServerProcess } from '../../src/infra/serverProcess';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__GR_SERVERS__ as
    { temporal?: Pick<TemporalServerProcess, 'stop'>; postgres?: EmbeddedPostgres } | undefined;
  // Temporal first: the server proper keeps its state in that PostgreSQL.
  await servers?.temporal?.stop();
  await servers?.postgres?.stop();
}
