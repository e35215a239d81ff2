import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import { createActivities, type RolloutActivities } from '../../src/activities';
import type { Pool } from '../../src/db/pool';
import { rolloutDetails } from '../../src/cli/actions/start';
import { finalProgress } from '../../src/cli/execution';
import {
  RolloutInput,
  TERMINAL_STATES,
  openGateUpdate,
  progressQuery,
  rolloutSummary,
  type FootprintProof,
  type GateAttempt,
  type RolloutInputDraft,
  type RolloutProgress,
} from '../../src/shared';
import { createRolloutWorker } from '../../src/worker';
import { rolloutWorkflow } from '../../src/workflows';
import { APR, freshDatabase, type TestDatabase } from './db';
import { unique } from './names';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} } },
    });
  } catch {
    // already installed in this process by an earlier test file
  }
}

export function temporalAddress(): string {
  const address = process.env.GR_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('GR_TEST_TEMPORAL_ADDRESS is not set: run the tests through jest (globalSetup)');
  return address;
}

export type ActivityWrapper = (real: RolloutActivities) => Partial<RolloutActivities>;

export interface Harness {
  db: TestDatabase;
  client: Client;
  taskQueue: string;
  target: string;
  start(input?: Partial<RolloutInputDraft>, workflowId?: string): Promise<WorkflowHandle<typeof rolloutWorkflow>>;
  /** Starts a rollout, claims the gate open (people have ratified, or not) and waits for the end. */
  run(input?: Partial<RolloutInputDraft>): Promise<RolloutProgress>;
  /** Claims the gate open through the openGate update: the recorded attempt, in one round trip. */
  openGate(handle: WorkflowHandle<typeof rolloutWorkflow>, by: string, id?: string): Promise<GateAttempt>;
  progress(handle: WorkflowHandle): Promise<RolloutProgress>;
  waitFor(handle: WorkflowHandle, predicate: (p: RolloutProgress) => boolean, timeoutMs?: number): Promise<RolloutProgress>;
  /** Runs a (further) worker on the same queue and database, e.g. after the first was stopped, or as another role's pool. */
  startWorker(wrap?: ActivityWrapper, pool?: Pool): Promise<() => Promise<void>>;
  stopWorker(): Promise<void>;
  teardown(): Promise<void>;
}

export const CLONE_SCAN_RULESET = {
  code: 'RS-OWNERSHIP-COVERAGE',
  version: 1,
  state: 'candidate',
  domains: ['GD01', 'GD02', 'GD03', 'GD04', 'GD05'],
};

/** A real worker on the real dev server, over a fresh clone database, with its own task queue. */
export async function rolloutHarness(options: { wrap?: ActivityWrapper; worker?: boolean; address?: string } = {}): Promise<Harness> {
  quietRuntime();
  const db = await freshDatabase();
  const target = db.name;
  const taskQueue = unique('tq');
  // The shared dev server, unless a test brings its own (the UI test serves the UI).
  const address = options.address ?? temporalAddress();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const workerConnection = await NativeConnection.connect({ address });
  const handles: WorkflowHandle[] = [];
  const workers: { worker: Worker; running: Promise<void> }[] = [];

  async function startWorker(wrap?: ActivityWrapper, pool: Pool = db.pool): Promise<() => Promise<void>> {
    const real = createActivities({ pool, target });
    const worker = await createRolloutWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      pool,
      target,
      workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' },
      activities: { ...real, ...(wrap ? wrap(real) : {}) },
    });
    const entry = { worker, running: worker.run() };
    workers.push(entry);
    return async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await entry.running;
    };
  }
  if (options.worker !== false) await startWorker(options.wrap);

  const harness: Harness = {
    db,
    client,
    taskQueue,
    target,
    async start(input = {}, workflowId = unique('rollout')) {
      const args = RolloutInput.parse({ target, apr: APR, ...input });
      const handle = await client.workflow.start(rolloutWorkflow, {
        taskQueue,
        workflowId,
        args: [args],
        staticSummary: rolloutSummary(args.apr, args.target),
        staticDetails: rolloutDetails(args),
      });
      handles.push(handle);
      return handle;
    },
    async run(input = {}) {
      const handle = await harness.start(input);
      await harness.openGate(handle, 'president');
      return finalProgress(handle);
    },
    async openGate(handle, by, id = unique('claim')) {
      return handle.executeUpdate(openGateUpdate, { args: [{ id, by }] });
    },
    async progress(handle) {
      return handle.query(progressQuery);
    },
    async waitFor(handle, predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: RolloutProgress | undefined;
      while (Date.now() < deadline) {
        last = await handle.query(progressQuery);
        if (predicate(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting; last progress: ${JSON.stringify(last?.state)} ${JSON.stringify(last?.steps.map((s) => s.status))}`);
    },
    startWorker,
    async stopWorker() {
      for (const { worker, running } of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      }
    },
    async teardown() {
      for (const handle of handles) {
        const state = await handle.describe().then((d) => d.status.name).catch(() => 'UNKNOWN');
        if (state === 'RUNNING') await handle.terminate('test teardown').catch(() => undefined);
      }
      await harness.stopWorker();
      await workerConnection.close();
      await connection.close();
      await db.drop();
    },
  };
  return harness;
}

export function isTerminal(p: RolloutProgress): boolean {
  return TERMINAL_STATES.includes(p.state);
}

/** A stubbed write activity's proof: it wrote nothing (the real ones measure their transaction). */
export const NO_WRITES: FootprintProof = { declared: [], measured: [], method: 'transaction' };
