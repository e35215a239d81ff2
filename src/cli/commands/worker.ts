import type { Command } from 'commander';
import { requireDatabaseUrl, targetOf } from '../../config';
import { createPool } from '../../db/pool';
import { ensureSearchAttributes } from '../../infra/searchAttributes';
import { connectWorker, createRolloutWorker } from '../../worker';
import { config, print } from '../context';
import { action } from '../errors';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run a worker for the target in DATABASE_URL until SIGINT or SIGTERM')
    .addHelpText('after', '\nExample:\n  DATABASE_URL=postgresql://rollout_operator@localhost:5432/directus rollout worker')
    .action(
      action(async () => {
        const cfg = config();
        const target = targetOf(cfg);
        const pool = createPool(requireDatabaseUrl(cfg));
        try {
          // Fail fast on an unreachable database rather than on the first activity.
          await pool.query('select 1');
          const connection = await connectWorker(cfg);
          try {
            // The workflow upserts them on every state change; without them its tasks would fail.
            const added = await ensureSearchAttributes(connection.operatorService, cfg.temporal.namespace);
            if (added.length > 0) print(`registered search attributes ${added.join(', ')} in namespace ${cfg.temporal.namespace}`);
            const worker = await createRolloutWorker({
              connection,
              namespace: cfg.temporal.namespace,
              taskQueue: cfg.taskQueue,
              pool,
              target,
              notifier: { webhookUrl: cfg.webhookUrl },
            });
            print(`worker for target ${target} on task queue ${cfg.taskQueue}; SIGINT or SIGTERM stops it`);
            // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves once it has.
            await worker.run();
            print('worker stopped');
          } finally {
            await connection.close();
          }
        } finally {
          await pool.end();
        }
      }),
    );
}
