// Temporal-native: the rollout driven with Temporal's own CLI (update, list by search attribute), and
// read with every worker down (rollout list and progress from visibility).
import { onApply } from './support/faults';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { createCommand, ensureSearchAttributes } from '../src/infra/searchAttributes';
import { startTemporalDevServer, temporalCliPath } from '../src/infra/temporalDevServer';
import { finalProgress } from '../src/cli/execution';
import { RolloutInput, type GateAttempt } from '../src/shared';
import { envFor, expectOneLineError, rollout } from './support/cli';
import { APR, freshDatabase } from './support/db';
import { temporalAddress, useHarness } from './support/harness';
import { unique } from './support/names';

const run = promisify(execFile);

/**
 * "Does not wait for the missing worker": the CLI gives a worker QUERY_TIMEOUT_MS (2 s) to answer, then reads
 * visibility. Without that deadline Temporal holds the query about 30 s (measured 29.5 s), so 20 s tells the two
 * apart with room for a loaded machine (a 5 s bound once failed at 5.3 s). Speed is the benchmark's business.
 */
const ANSWERS_WITHOUT_WORKER_MS = 20_000;

/** Temporal's own CLI against the test server, JSON out. */
async function temporal(args: string[]): Promise<unknown> {
  const { stdout } = await run(temporalCliPath(), [...args, '--address', temporalAddress(), '--output', 'json'], {
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

/** Visibility is eventually consistent: lists until the rollout shows up under the query. */
async function listedUnder(query: string, workflowId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await temporal([
      'workflow',
      'list',
      '--query',
      `${query} AND WorkflowId='${workflowId}'`,
    ])) as unknown[];
    if (found.length === 1) return;
    if (Date.now() > deadline) throw new Error(`temporal workflow list --query "${query}" never found ${workflowId}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("the rollout through Temporal's own tools", () => {
  const harness = useHarness();

  test('temporal workflow update openGate: refused, then accepted; list --query finds each state', async () => {
    let release: () => void = () => undefined;
    const seedHeld = new Promise<void>((resolve) => (release = resolve));
    const h = await harness({ wrap: onApply('seed', async (real) => (await seedHeld, real())) });
    const workflowId = unique('native');
    const input = RolloutInput.parse({ target: h.target, apr: APR });
    await temporal([
      'workflow',
      'start',
      '--type',
      'rolloutWorkflow',
      '--task-queue',
      h.taskQueue,
      '--workflow-id',
      workflowId,
      '--input',
      JSON.stringify(input),
    ]);
    await listedUnder(
      `RolloutState='WAITING_FOR_GATE' AND RolloutApr='${APR}' AND RolloutTarget='${h.target}'`,
      workflowId,
    );

    const openGate = async (id: string, by: string) =>
      (
        (await temporal([
          'workflow',
          'update',
          'execute',
          '--workflow-id',
          workflowId,
          '--name',
          'openGate',
          '--input',
          JSON.stringify({ id, by }),
        ])) as { result: GateAttempt }
      ).result;
    expect(await openGate('c1', 'eager operator')).toMatchObject({ id: 'c1', outcome: 'refused', ospa: 0 });
    await h.ratify();
    expect(await openGate('c2', 'president')).toMatchObject({ id: 'c2', outcome: 'accepted', ospa: 1 });
    await listedUnder("RolloutState='RUNNING'", workflowId);
    // The gate no longer waits: the validator rejects the claim.
    await expect(openGate('c3', 'late')).rejects.toThrow(/the gate is no longer waiting/);

    release();
    await listedUnder("RolloutState='COMPLETED' AND ExecutionStatus='Completed'", workflowId);
    const final = await finalProgress(h.client.workflow.getHandle(workflowId));
    expect(final.gate.attempts.map((a) => [a.id, a.outcome])).toEqual([
      ['c1', 'refused'],
      ['c2', 'accepted'],
    ]);
    // After the end, `rollout gate-open` says so in one line: closed, how, and the exit code for it.
    const late = await rollout(
      ['gate-open', workflowId, '--by', 'late'],
      envFor(null, { TEMPORAL_TASK_QUEUE: h.taskQueue }),
    );
    expectOneLineError(
      late,
      new RegExp(
        `^rollout: rollout ${workflowId} is closed: COMPLETED; nothing was sent\\. rollout report ${workflowId} ` +
          `shows how it ended`,
      ),
    );
    expect(late.code).toBe(7);
  });

  test('with the worker stopped, rollout list and progress answer with the state at once', async () => {
    const h = await harness();
    const handle = await h.start();
    expect(await h.openGate(handle, 'eager operator')).toMatchObject({ outcome: 'refused' });
    const env = envFor(null, { TEMPORAL_TASK_QUEUE: h.taskQueue });
    await listedUnder("RolloutState='WAITING_FOR_GATE'", handle.workflowId);
    await h.stopWorker();

    let began = Date.now();
    const list = await rollout(['list', '--json'], env);
    expect(Date.now() - began).toBeLessThan(ANSWERS_WITHOUT_WORKER_MS);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        workflowId: handle.workflowId,
        status: 'RUNNING',
        state: 'WAITING_FOR_GATE',
        target: h.target,
        apr: APR,
      }),
    ]);

    began = Date.now();
    const progress = await rollout(['progress', handle.workflowId, '--json'], env);
    expect(Date.now() - began).toBeLessThan(ANSWERS_WITHOUT_WORKER_MS);
    expect({ code: progress.code, stderr: progress.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(progress.stdout)).toMatchObject({
      workflowId: handle.workflowId,
      state: 'WAITING_FOR_GATE',
      target: h.target,
      apr: APR,
      source: 'visibility',
      details: expect.stringContaining('last claim refused (by eager operator, ospa=0)') as unknown,
    });
    const text = await rollout(['progress', handle.workflowId], env);
    expect(text.stdout).toMatch(/WAITING_FOR_GATE/);
    expect(text.stdout).toContain(
      'waiting at the gate for people to ratify APR-BOOT-AUTHMODEL-1; last claim refused (by eager operator, ospa=0)',
    );
    expect(text.stdout).toMatch(/no worker .*answered the progress query|no worker is polling/);
  });

  test('a server without the search attributes gets them from ensureSearchAttributes, once', async () => {
    const bare = await startTemporalDevServer({ searchAttributes: false });
    const connection = await Connection.connect({ address: bare.address });
    try {
      const names = async () =>
        Object.keys(
          (await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes ?? {},
        );
      expect(await names()).not.toContain('RolloutState');
      expect(await ensureSearchAttributes(connection.operatorService, 'default')).toEqual([
        'RolloutState',
        'RolloutTarget',
        'RolloutApr',
        'RolloutDatabase',
      ]);
      expect(await names()).toEqual(
        expect.arrayContaining(['RolloutState', 'RolloutTarget', 'RolloutApr', 'RolloutDatabase']),
      );
      expect(await ensureSearchAttributes(connection.operatorService, 'default')).toEqual([]);
      await expect(ensureSearchAttributes(connection.operatorService, 'no-such-namespace')).rejects.toThrow(
        `run ${createCommand('no-such-namespace')}`,
      );
    } finally {
      await connection.close();
      await bare.stop();
    }
  });

  test('rollout worker stops with one line naming the command when it cannot register them', async () => {
    const db = await freshDatabase();
    try {
      const result = await rollout(['worker'], envFor(db, { TEMPORAL_NAMESPACE: 'no-such-namespace' }));
      expectOneLineError(
        result,
        new RegExp(
          /: run temporal operator search-attribute create --namespace no-such-namespace --name Rollou/.source +
            /tState --name RolloutTarget --name RolloutApr --name RolloutDatabase --type Keyword$/.source,
        ),
      );
    } finally {
      await db.drop();
    }
  });
});
