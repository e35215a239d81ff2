import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import type { Notifier } from './activities/notify';
import type { Config } from './config';
import type { Pool } from './db/pool';

export interface RolloutWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  target: string;
  /** Prebuilt workflow code (tests bundle once); otherwise bundled from src/workflows. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  notifier?: Notifier;
  /** Replaces activities, for tests that inject faults around the real ones. */
  activities?: object;
}

export const WORKFLOWS_PATH = require.resolve('./workflows');

export async function createRolloutWorker(options: RolloutWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: options.activities ?? createActivities({ pool: options.pool, target: options.target, notifier: options.notifier }),
    // Cancellation reaches a running activity only with a heartbeat; don't let the SDK hold them back long.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(config.temporal.connectionOptions);
}
