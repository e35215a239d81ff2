// Pinned worker versions: a rollout finishes, and compensates, on the build it started on while a
// new build (changed workflow code) is deployed and made current; new rollouts run on the new build.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { finalProgress } from '../src/cli/execution';
import { currentBuildId, routeNewRollouts, type DeploymentVersion } from '../src/deployment';
import { createRolloutWorker } from '../src/worker';
import { buildIdOf, bundleWorkflows } from '../src/workflowBundle';
import { ratify } from './support/db';
import { rolloutHarness, temporalAddress, type Harness } from './support/harness';
import { BUILD_B_MARK } from './support/workflowsBuildB';

describe('pinned worker versions (Worker Deployments)', () => {
  let h: Harness;
  let connection: NativeConnection;
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  beforeAll(async () => {
    h = await rolloutHarness({ worker: false });
    connection = await NativeConnection.connect({ address: temporalAddress() });
  });
  afterAll(async () => {
    await h.teardown();
    for (const { worker, running } of workers) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    }
    await connection.close();
  });

  async function runBuild(code: string, version: DeploymentVersion): Promise<void> {
    const worker = await createRolloutWorker({
      connection,
      namespace: 'default',
      taskQueue: h.taskQueue,
      pool: h.db.pool,
      target: h.target,
      workflowBundle: { code },
      deployment: version,
    });
    workers.push({ worker, running: worker.run() });
  }

  const pinnedBuild = async (workflowId: string) =>
    (await h.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo
      ?.deploymentVersion?.buildId;

  test('started on build A, completes on A while B is current; a second is refused; a new one runs on B', async () => {
    const codeA = readFileSync(process.env.GR_TEST_WORKFLOW_BUNDLE ?? '', 'utf8');
    const codeB = await bundleWorkflows(path.join(__dirname, 'support', 'workflowsBuildB.ts'));
    const a = { deploymentName: h.taskQueue, buildId: buildIdOf(codeA) };
    const b = { deploymentName: h.taskQueue, buildId: buildIdOf(codeB) };
    // Changed workflow code is a new build id.
    expect(b.buildId).not.toBe(a.buildId);

    // Build A, the first of its deployment, becomes current by itself.
    await runBuild(codeA, a);
    expect(await routeNewRollouts(connection, 'default', a, false)).toEqual({ made: 'current' });
    const first = await h.start();
    await h.waitFor(first, (p) => p.state === 'WAITING_FOR_GATE');
    // The first is found by its database in visibility before the second asks (two started in the same
    // instant both pass that check and the younger yields only after its gate: rollout.cluster covers it).
    await h.searchable(first);
    const second = await h.start();
    await h.waitFor(second, (p) => p.state === 'FAILED').catch(() => undefined);

    // Build B deployed: it does not take new rollouts until it is made current.
    await runBuild(codeB, b);
    expect(await routeNewRollouts(connection, 'default', b, false)).toEqual({ made: 'nothing', current: a.buildId });
    expect(await routeNewRollouts(connection, 'default', b, true)).toEqual({ made: 'current' });
    expect(await currentBuildId(connection, 'default', h.taskQueue)).toBe(b.buildId);
    // A restarted A leaves B current.
    expect(await routeNewRollouts(connection, 'default', a, false)).toEqual({ made: 'nothing', current: b.buildId });
    const third = await h.start();

    await ratify(h.db.pool);
    await h.openGate(first, 'ops on call');
    const [one, two] = await Promise.all([finalProgress(first), finalProgress(second)]);
    // One rollout per database: the third, started on B while the first still ran, is refused before its gate;
    // a new one after the first completed runs on B.
    const refusedOnB = await finalProgress(third);
    expect(refusedOnB.reason).toMatch(new RegExp(`^\\${BUILD_B_MARK} another rollout is running for this database`));
    const fourth = await h.start();
    await h.openGate(fourth, 'ops on call');
    const three = await finalProgress(fourth);

    // The first finished on A's code (B's would have marked its reason), with the packet's numbers.
    expect(one).toMatchObject({
      state: 'COMPLETED',
      reason: null,
      metrics: { own: 30, gap: 0, conflict: 0, gov_emit: 0 },
    });
    expect(await pinnedBuild(first.workflowId)).toBe(a.buildId);
    // The second, started on A while the first waited, was refused before its gate, on A.
    expect(two.state).toBe('FAILED');
    expect(two.reason).toMatch(/^another rollout is running for this database/);
    expect(await pinnedBuild(second.workflowId)).toBe(a.buildId);
    // The new one ran on B (the seed rows the first wrote are there: it writes nothing).
    expect(three.reason).toMatch(new RegExp(`^\\${BUILD_B_MARK}`));
    expect(await pinnedBuild(fourth.workflowId)).toBe(b.buildId);
  });
});
