import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import { createActivities, type RolloutActivities } from '../../src/activities';
import type { Pool } from '../../src/db/pool';
import { rolloutDetails } from '../../src/cli/actions/start';
import { finalProgress } from '../../src/cli/execution';
import {
  RolloutDatabaseAttribute,
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
import { APR, freshDatabase, ratify, takeSnapshot, type TestDatabase } from './db';
import { useEach } from './each';
import { unique } from './names';

let runtimeInstalled = false;
/** Worker logs at ERROR only, once per process. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
      },
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
  /** What people do to open the gate: ratify the APR. */
  ratify(): Promise<void>;
  /** A scan input over a snapshot taken now, with the clone's ruleset. */
  scanInput(): Promise<Pick<RolloutInputDraft, 'scan'>>;
  /** Starts a rollout and signals the gate open (the claim; people must have ratified for it to hold). */
  startOpened(input?: Partial<RolloutInputDraft>): Promise<WorkflowHandle<typeof rolloutWorkflow>>;
  /** Claims the gate open through the openGate update: the recorded attempt, in one round trip. */
  openGate(handle: WorkflowHandle<typeof rolloutWorkflow>, by: string, id?: string): Promise<GateAttempt>;
  progress(handle: WorkflowHandle): Promise<RolloutProgress>;
  waitFor(
    handle: WorkflowHandle,
    predicate: (p: RolloutProgress) => boolean,
    timeoutMs?: number,
  ): Promise<RolloutProgress>;
  /**
   * Waits until visibility finds the rollout by its database: a second rollout started after that is
   * refused before its gate (two started in the same instant both pass that check; the younger yields
   * after its gate).
   */
  searchable(handle: WorkflowHandle): Promise<void>;
  /**
   * Runs a (further) worker on the same queue and database, e.g. after the first was stopped, or as another role's
   * pool. */
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
export interface HarnessOptions {
  wrap?: ActivityWrapper;
  worker?: boolean;
  address?: string;
  /** People have ratified the APR already (os_proposal_approvals holds one row for it). */
  ratified?: boolean;
}

export async function rolloutHarness(options: HarnessOptions = {}): Promise<Harness> {
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
  if (options.ratified) await ratify(db.pool);

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
    async searchable(handle) {
      const query = `WorkflowId = '${handle.workflowId}' AND ${RolloutDatabaseAttribute.name} IS NOT NULL`;
      for (let i = 0; i < 300; i += 1) {
        if ((await client.workflow.count(query)).count > 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${handle.workflowId} never became searchable by its database`);
    },
    async ratify() {
      await ratify(db.pool);
    },
    async scanInput() {
      return { scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef: await takeSnapshot(db.pool) } };
    },
    async startOpened(input = {}) {
      const handle = await harness.start(input);
      await handle.signal('gateOpened', { id: 'c1', by: 'president' });
      return handle;
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
      throw new Error(
        `timed out waiting; last progress: ${JSON.stringify(last?.state)} ` +
          JSON.stringify(last?.steps.map((s) => s.status)),
      );
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
        const state = await handle
          .describe()
          .then((d) => d.status.name)
          .catch(() => 'UNKNOWN');
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

/**
 * One harness per test, torn down after it: `const harness = useHarness();` in a describe, then
 * `const h = await harness()` in each test, which states only what it checks.
 */
export function useHarness(): (options?: HarnessOptions) => Promise<Harness> {
  return useEach(rolloutHarness, (h) => h.teardown());
}

export function isTerminal(p: RolloutProgress): boolean {
  return TERMINAL_STATES.includes(p.state);
}

/** A stubbed write activity's proof: it wrote nothing (the real ones measure their transaction). */
export const NO_WRITES: FootprintProof = { declared: [], measured: [], method: 'transaction' };
