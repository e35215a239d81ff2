// One run of the floor workflow (./workflows.ts) on a worker of its own with the no-op activities, timed
// from the gate-open signal to its result as the bench times the rollout (bench/main.ts workflowRun).
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/workflowBundle';
import { timeline } from '../history';
import { noOpActivities } from './activities';
import { floorAtGateQuery, floorGateOpenedSignal, type rolloutShapeFloor } from './workflows';

export interface FloorRun {
  ms: number;
  timeline: string[];
}

export interface FloorContext {
  connection: NativeConnection;
  client: Client;
  /** From bundleFloor(), once per bench. */
  bundle: string;
}

export function bundleFloor(): Promise<string> {
  return bundleWorkflows(require.resolve('./workflows'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The options createRolloutWorker (src/worker.ts) sets that bear on a run; it needs a pool the no-ops don't. */
function floorWorker({ connection, bundle }: FloorContext, taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { code: bundle },
    activities: noOpActivities,
    maxHeartbeatThrottleInterval: '2 seconds',
  });
}

export async function floorRun(context: FloorContext, taskQueue: string): Promise<FloorRun> {
  const worker = await floorWorker(context, taskQueue);
  const running = worker.run();
  try {
    const handle = await context.client.workflow.start<typeof rolloutShapeFloor>('rolloutShapeFloor', {
      taskQueue,
      workflowId: `floor-${taskQueue}`,
    });
    for (let i = 0; i < 100 && !(await handle.query(floorAtGateQuery)); i++) await sleep(20);
    // As for the rollout: the pre-gate notice settles, so the clock starts at the gate.
    await sleep(300);
    const t = performance.now();
    await handle.signal(floorGateOpenedSignal);
    await handle.result();
    const ms = performance.now() - t;
    return { ms, timeline: timeline((await handle.fetchHistory()).events ?? []) };
  } finally {
    worker.shutdown();
    await running;
  }
}
