// One real Temporal dev server and one real PostgreSQL for the whole run; each test gets its
// own database (copied from a fixture template), task queue and workflow ids.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createPool } from '../../src/db/pool';
import { initFixture } from '../../src/fixture/init';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/infra/embeddedPostgres';
import type { TemporalServerProcess } from '../../src/infra/serverProcess';
import { startTemporalDevServer } from '../../src/infra/temporalDevServer';
import { WORKFLOWS_PATH } from '../../src/worker';
import { TEMPLATE_DB } from './names';

/** A Temporal server for the run, given the run's PostgreSQL (which the dev server does not wait for). */
export type StartTemporal = (
  postgres: Promise<EmbeddedPostgres>,
) => Promise<Pick<TemporalServerProcess, 'address' | 'stop'>>;

export default async function globalSetup(): Promise<void> {
  await setupServers(() => startTemporalDevServer());
}

/** The run's servers: `npm test` on the dev server, `npm run test:cluster` on the server proper. */
export async function setupServers(startTemporal: StartTemporal): Promise<void> {
  const postgresStarting = startEmbeddedPostgres();
  const started = await Promise.allSettled([startTemporal(postgresStarting), postgresStarting]);
  const [temporal, postgres] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [
    Awaited<ReturnType<StartTemporal>> | undefined,
    EmbeddedPostgres | undefined,
  ];
  // Register at once, so the teardown stops whatever did start even if the rest of the setup fails.
  (globalThis as Record<string, unknown>).__GR_SERVERS__ = { temporal, postgres };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed || !temporal || !postgres) {
    await Promise.all([temporal?.stop(), postgres?.stop()]);
    throw failed?.reason ?? new Error('test servers did not start');
  }
  try {
    const templateUrl = await postgres.createDatabase(TEMPLATE_DB);
    const pool = createPool(templateUrl);
    try {
      await initFixture(pool);
    } finally {
      await pool.end();
    }
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'governed-rollout-test-'));
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, code);
    process.env.GR_TEST_TEMPORAL_ADDRESS = temporal.address;
    process.env.GR_TEST_PG_URL = postgres.url();
    process.env.GR_TEST_WORKFLOW_BUNDLE = bundlePath;
  } catch (err) {
    await Promise.all([temporal.stop(), postgres.stop()]);
    throw err;
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
