// Workers per target: with no TEMPORAL_TASK_QUEUE each target has its own task queue, so two targets'
// workers share one namespace and each rollout's activities reach only the worker of its database.
import { envFor, lastLine, rollout, startCliWorker, type CliWorker } from './support/cli';
import { count, freshDatabase, ratify, type TestDatabase } from './support/db';

describe('a task queue per target', () => {
  const dbs: TestDatabase[] = [];
  const workers: CliWorker[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    for (const db of dbs.splice(0)) await db.drop();
  });

  test("two targets' workers in one namespace: each rollout runs on its own database's worker", async () => {
    const envs = [];
    for (let i = 0; i < 2; i += 1) {
      const db = await freshDatabase();
      dbs.push(db);
      await ratify(db.pool);
      const env = envFor(db);
      delete env.TEMPORAL_TASK_QUEUE;
      envs.push(env);
      workers.push(await startCliWorker(env));
    }
    const ids: string[] = [];
    for (const env of envs) {
      const started = await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env);
      expect(started.stderr).toBe('');
      ids.push(lastLine(started.stdout));
    }
    for (const [i, env] of envs.entries()) {
      expect(lastLine((await rollout(['gate-open', ids[i] ?? '', '--by', 'ops'], env)).stdout)).toBe('accepted');
      const result = await rollout(['result', ids[i] ?? '', '--json'], env);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ state: 'COMPLETED', metrics: { own: 30, gap: 0 } });
    }
    for (const [i, db] of dbs.entries()) {
      expect(
        await count(
          db.pool,
          "select count(*) as n from governance_object_ownership where created_by = 'F6_OWNERSHIP_SEED_COMMIT'",
        ),
      ).toBe(30);
      const target = `127.0.0.1-${new URL(db.url).port}-${db.name}`;
      expect(workers[i]?.output()).toContain(`on task queue governed-rollout-${target}`);
      // Neither worker was handed the other database's activities.
      expect(workers[i]?.output()).not.toContain('TargetMismatch');
      expect(workers[i]?.output()).not.toContain('this worker serves target');
    }
    const listed = await rollout(['list'], envs[0] ?? {});
    expect(listed.stdout).toContain(ids[0]);
    expect(listed.stdout).not.toContain(ids[1]);
  });
});
