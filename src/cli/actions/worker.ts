import { requireDatabaseUrl, targetOf, taskQueueOf } from '../../config';
import { createPool } from '../../db/pool';
import { routeNewRollouts } from '../../deployment';
import { ensureSearchAttributes } from '../../infra/searchAttributes';
import { SHUTDOWN_GRACE_MS, connectWorker, createRolloutWorker, installWorkerRuntime } from '../../worker';
import { buildIdOf, loadWorkflowBundle } from '../../workflowBundle';
import { config } from '../context';
import { outputClosed } from '../output';

export async function runWorker(opts: { makeCurrent?: boolean }): Promise<void> {
  const cfg = config();
  // Checked before the runtime is installed: its native threads would keep a failed worker's process alive.
  const target = targetOf(cfg);
  const taskQueue = taskQueueOf(cfg);
  const databaseUrl = requireDatabaseUrl(cfg);
  const log = installWorkerRuntime({ metricsAddress: cfg.worker.metricsAddress }).logger;
  const pool = createPool(databaseUrl);
  try {
    // Fail fast on an unreachable database rather than on the first activity.
    await pool.query('select 1');
    const bundle = await loadWorkflowBundle();
    // Temporal refuses a '.' in a deployment name; a target's task queue has them (127.0.0.1-5432-directus).
    const deployment = {
      deploymentName: cfg.worker.deploymentName ?? taskQueue.replace(/\./g, '_'),
      buildId: cfg.worker.buildId ?? buildIdOf(bundle.code),
    };
    const connection = await connectWorker(cfg);
    try {
      // The workflow upserts them on every state change; without them its tasks would fail.
      const added = await ensureSearchAttributes(connection.operatorService, cfg.temporal.namespace);
      if (added.length > 0)
        log.info(`registered search attributes ${added.join(', ')} in namespace ${cfg.temporal.namespace}`, {
          event: 'search-attributes',
          added,
        });
      const worker = await createRolloutWorker({
        connection,
        namespace: cfg.temporal.namespace,
        taskQueue,
        pool,
        target,
        workflowBundle: { code: bundle.code },
        notifier: { webhookUrl: cfg.webhookUrl },
        deployment,
        shutdownGraceMs: SHUTDOWN_GRACE_MS,
      });
      // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves once it has.
      const running = worker.run();
      // A log pipe that closes stops the worker as SIGTERM would: in-flight activities get their grace.
      outputClosed.handle = () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      };
      let routing;
      try {
        routing = await routeNewRollouts(connection, cfg.temporal.namespace, deployment, Boolean(opts.makeCurrent));
      } catch (err) {
        worker.shutdown();
        await running;
        throw err;
      }
      const current =
        routing.made === 'current'
          ? 'new rollouts come to this build'
          : `new rollouts go to build ${routing.current}; this one serves the rollouts pinned to it (rollout ` +
            `worker --make-current moves new ones here)`;
      log.info(
        `worker for target ${target} on task queue ${taskQueue}, build ${deployment.buildId}: ${current}; SIGINT or ` +
          `SIGTERM stops it`,
        {
          event: 'ready',
          target,
          taskQueue,
          ...deployment,
          current: routing.made === 'current',
          bundle: bundle.source,
          // Since the process started: what a replacement worker costs.
          readyMs: Math.round(performance.now()),
          metrics: cfg.worker.metricsAddress ? `http://${cfg.worker.metricsAddress}/metrics` : null,
        },
      );
      await running;
      log.info('worker stopped', { event: 'stopped', target, buildId: deployment.buildId });
    } finally {
      await connection.close();
    }
  } finally {
    await pool.end();
  }
}
