// A real rollout worker in its own OS process, so a test can SIGKILL it mid-activity.
// Built code (dist/, `npm test` and `npm run test:faults` build it) and the workflow bundle that
// globalSetup made once, so a restart takes a second instead of a webpack build.
'use strict';
const { NativeConnection, Runtime, DefaultLogger, makeTelemetryFilterString } = require('@temporalio/worker');
const { createRolloutWorker } = require('../../../dist/worker.js');
const { createPool } = require('../../../dist/db/pool.js');

async function main() {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
    },
  });
  const env = process.env;
  const pool = createPool(env.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await createRolloutWorker({
    connection,
    namespace: 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    pool,
    target: env.ROLLOUT_TARGET,
    workflowBundle: { codePath: env.GR_TEST_WORKFLOW_BUNDLE },
  });
  const running = worker.run();
  process.stdout.write(`worker ready pid=${process.pid}\n`);
  await running;
  await connection.close();
  await pool.end();
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
