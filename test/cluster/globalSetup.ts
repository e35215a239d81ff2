// `npm run test:cluster`: the same run as `npm test` (one PostgreSQL, the fixture template, the
// workflow bundle), on the Temporal server proper with PostgreSQL persistence and SQL visibility in
// that PostgreSQL, set up from deploy/temporal as docker-compose.yml sets it up.
import { startTemporalCluster } from '../../src/infra/temporalServer';
import { setupServers } from '../support/globalSetup';
import { clusterPostgres } from './support';

export default async function globalSetup(): Promise<void> {
  await setupServers(async (postgresStarting) =>
    startTemporalCluster({ postgres: clusterPostgres(await postgresStarting) }),
  );
}
