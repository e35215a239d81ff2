import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogEntry,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities } from './activities';
import type { Notifier } from './activities/notify';
import type { Config } from './config';
import type { Pool } from './db/pool';
import type { DeploymentVersion } from './deployment';
import { loadWorkflowBundle } from './workflowBundle';

export { WORKFLOWS_PATH } from './workflowBundle';

export interface RolloutWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  target: string;
  /** Workflow code bundled beforehand (tests bundle once); otherwise the build's prebuilt bundle, or bundled here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  notifier?: Notifier;
  /** Replaces activities, for tests that inject faults around the real ones. */
  activities?: object;
  /** Pinned worker versioning (Worker Deployments); unversioned without it. */
  deployment?: DeploymentVersion;
  /** Milliseconds a stopping worker lets in-flight activities finish; the SDK's 0 (cancel at once) without it. */
  shutdownGraceMs?: number;
}

/**
 * How long a stopping worker lets in-flight activities finish (a write commits or rolls back in
 * well under this) before cancelling them. Temporal retries a cancelled attempt; the steps are idempotent.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

export async function createRolloutWorker(options: RolloutWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? { code: (await loadWorkflowBundle()).code };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle,
    activities:
      options.activities ??
      createActivities({
        pool: options.pool,
        target: options.target,
        notifier: options.notifier,
        ...(options.deployment ? { workerBuild: options.deployment.buildId } : {}),
      }),
    // Cancellation reaches a running activity only with a heartbeat; don't let the SDK hold them back long.
    maxHeartbeatThrottleInterval: '2 seconds',
    ...(options.shutdownGraceMs !== undefined ? { shutdownGraceTime: options.shutdownGraceMs } : {}),
    // A rollout finishes, and compensates, on the code it started on while a newer build takes new rollouts.
    ...(options.deployment
      ? {
          workerDeploymentOptions: {
            version: options.deployment,
            useWorkerVersioning: true,
            defaultVersioningBehavior: 'PINNED' as const,
          },
        }
      : {}),
  });
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(config.temporal.connectionOptions);
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** One JSON object per line: what a log shipper reads without parsing prose. */
export function logLine(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify({ time, level: entry.level, message: entry.message, ...entry.meta }, jsonSafe);
}

/**
 * The process-wide Temporal runtime of a worker: its log (the SDK's and core's) as JSON lines on
 * stdout, and Prometheus metrics on `metricsAddress` when given. Once per process, before any connection.
 */
export function installWorkerRuntime(options: {
  metricsAddress?: string | undefined;
  write?: (line: string) => void;
}): Runtime {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  return Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => write(logLine(entry))),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      ...(options.metricsAddress ? { metrics: { prometheus: { bindAddress: options.metricsAddress } } } : {}),
    },
  });
}
