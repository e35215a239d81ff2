// One rollout per database by the database's own identity: the same database reached through another
// address, under another target name, workflow id and task queue, is refused before its gate.
import { NativeConnection } from '@temporalio/worker';
import { finalProgress } from '../src/cli/execution';
import { createPool } from '../src/db/pool';
import { RolloutInput } from '../src/shared';
import { createRolloutWorker } from '../src/worker';
import { rolloutWorkflow } from '../src/workflows';
import { APR, fingerprint } from './support/db';
import { temporalAddress, useHarness } from './support/harness';
import { unique } from './support/names';

describe('one rollout per database, by its identity', () => {
  const harness = useHarness();

  test('a second rollout through another address is refused before its gate, naming the running one', async () => {
    const h = await harness();
    const first = await h.start();
    await h.waitFor(first, (p) => p.state === 'WAITING_FOR_GATE');
    await h.searchable(first);
    const before = await fingerprint(h.db.pool);

    // The same database as `localhost` instead of 127.0.0.1: another target name, task queue and workflow id.
    const url = new URL(h.db.url);
    url.hostname = 'localhost';
    const pool = createPool(url.toString());
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const taskQueue = unique('tq-other-spelling');
    const worker = await createRolloutWorker({
      connection,
      namespace: 'default',
      taskQueue,
      pool,
      target: 'localhost-spelling',
      workflowBundle: { codePath: process.env.GR_TEST_WORKFLOW_BUNDLE ?? '' },
    });
    const running = worker.run();
    try {
      const second = await h.client.workflow.start(rolloutWorkflow, {
        taskQueue,
        workflowId: unique('rollout-other-id'),
        args: [RolloutInput.parse({ target: 'localhost-spelling', apr: APR })],
      });
      const final = await finalProgress(second);
      expect(final.state).toBe('FAILED');
      expect(final.reason).toMatch(
        new RegExp(
          `^another rollout is running for this database \\(${h.db.name}, \\d+/\\d+\\): ${first.workflowId}, started ` +
            `.*; follow it with rollout progress ${first.workflowId}, or cancel it\\. Nothing was written$`,
        ),
      );
      expect(final.gate.attempts).toEqual([]);
      expect(await fingerprint(h.db.pool)).toEqual(before);
      // The first one is untouched, still at its gate.
      expect((await h.progress(first)).state).toBe('WAITING_FOR_GATE');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
      await pool.end();
    }
  });
});
