// A worker in a child process (killable with SIGKILL) and the advisory lock every write activity
// takes (sql/lock.sql), held from a test connection so an activity can be caught mid-flight.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { temporalAddress } from '../../support/harness';

const SCRIPT = path.join(__dirname, 'workerProcess.js');
const LOCK_KEY = "hashtextextended('governed-rollout', 0)";

export interface ProcessWorker {
  pid: number;
  output(): string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerTarget {
  url: string;
  target: string;
  taskQueue: string;
  /** The Temporal server's address as the worker reaches it (through a proxy, say); the test server's by default. */
  temporalAddress?: string;
}

/** All output of every worker process started by a test, for the no-secrets scan. */
export const workerOutputs: string[] = [];

export async function startProcessWorker(t: WorkerTarget): Promise<ProcessWorker> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: t.url,
      TEMPORAL_ADDRESS: t.temporalAddress ?? temporalAddress(),
      TEMPORAL_TASK_QUEUE: t.taskQueue,
      ROLLOUT_TARGET: t.target,
      GR_TEST_WORKFLOW_BUNDLE: process.env.GR_TEST_WORKFLOW_BUNDLE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const index = workerOutputs.push('') - 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${workerOutputs[index] ?? ''}`)), 60_000);
    const onData = (d: Buffer) => {
      workerOutputs[index] = `${workerOutputs[index] ?? ''}${d.toString()}`;
      if (workerOutputs[index]?.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`worker exited early: ${workerOutputs[index] ?? ''}`)));
  });
  const pid = child.pid ?? 0;
  return {
    pid,
    output: () => workerOutputs[index] ?? '',
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A test connection holding the rollout lock at session level: write activities queue behind it. */
export interface RolloutLock {
  /** Lets exactly the next waiting write activity through, and takes the lock back after its transaction. */
  passOne(): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

export async function holdRolloutLock(url: string): Promise<RolloutLock> {
  const client = new Client({ connectionString: url, application_name: 'fault-test-lock' });
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`select pg_advisory_lock(${LOCK_KEY})`);
  let held = true;
  return {
    async passOne() {
      // One statement: the waiter queued first is granted the lock, this session queues behind it.
      await client.query(`select pg_advisory_unlock(${LOCK_KEY}), pg_advisory_lock(${LOCK_KEY})`);
    },
    async release() {
      if (held) await client.query(`select pg_advisory_unlock(${LOCK_KEY})`);
      held = false;
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * Waits until a worker backend (application_name governed-rollout) waits on a lock in the database,
 * and returns its pid. `except` skips backends already seen (orphans of a killed worker).
 */
export async function waitForBlockedBackend(
  url: string,
  waitEvent: 'advisory' | 'relation',
  except: ReadonlySet<number> = new Set(),
  timeoutMs = 120_000,
): Promise<number> {
  const client = new Client({ connectionString: url, application_name: 'fault-test-watch' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ pid: number }>(
        `select pid from pg_stat_activity
          where datname = current_database() and application_name = 'governed-rollout'
            and wait_event_type = 'Lock' and wait_event = $1`,
        [waitEvent],
      );
      const found = rows.find((r) => !except.has(r.pid));
      if (found) return found.pid;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no worker backend waited on a ${waitEvent} lock within ${timeoutMs} ms`);
  } finally {
    await client.end();
  }
}
