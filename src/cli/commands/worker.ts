import type { Command } from 'commander';
import { action } from '../errors';

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'run a worker for the target in DATABASE_URL until SIGINT or SIGTERM; its log is one JSON object per line on ' +
        'stdout',
    )
    .option(
      '--make-current',
      'make this build the one new rollouts go to (the first build of a deployment becomes current by itself)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  DATABASE_URL=postgresql://rollout_operator@localhost:5432/directus rollout worker\n' +
        ('  ROLLOUT_METRICS_ADDRESS=127.0.0.1:9464 rollout worker --make-current   (a new build takes new rollouts; ' +
          'Prometheus on /metrics)\n\n') +
        ("Each rollout stays pinned to the build it started on: keep an older build's worker running until its " +
          'rollouts end\n') +
        ('(rollout list). ROLLOUT_BUILD_ID names the build (default: package version and a digest of the workflow ' +
          'code);\n') +
        ('ROLLOUT_DEPLOYMENT_NAME the Worker Deployment (default: the task queue). See docs/OPERATIONS.md, ' +
          '"Deploying ' +
          'a new worker build".'),
    )
    .action(async (opts: { makeCurrent?: boolean }) => {
      await runWorker(opts);
      // The installed runtime's native threads keep the process alive after a failure: end it with its code.
      if (process.exitCode) process.exit(process.exitCode);
    });
}

const runWorker = action(async (opts: { makeCurrent?: boolean }) => {
  await (await import('../actions/worker.js')).runWorker(opts);
});
