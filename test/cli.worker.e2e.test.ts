// `rollout worker` as it is deployed: the build's prebuilt workflow bundle (no webpack at start), a
// JSON log, Prometheus metrics, and a versioned build that a second build displaces only when made current.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../src/infra/ports';
import type { Packet } from '../src/report/packet';
import { buildIdOf } from '../src/workflowBundle';
import { envFor, lastLine, REPO, rollout, startCliWorker, type CliWorker } from './support/cli';
import { freshDatabase, type TestDatabase } from './support/db';
import { temporalAddress } from './support/harness';

interface LogLine {
  time: string;
  level: string;
  message: string;
  event?: string;
  [key: string]: unknown;
}

function logOf(worker: CliWorker): LogLine[] {
  return worker
    .output()
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as LogLine);
}

describe('rollout worker', () => {
  let db: TestDatabase;
  const workers: CliWorker[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.process.exitCode === null) await w.stop();
    await db.drop();
  });

  test('prebuilt bundle, JSON logs, metrics; a second build takes new rollouts once made current', async () => {
    db = await freshDatabase();
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const env = envFor(db, { ROLLOUT_METRICS_ADDRESS: metricsAddress });
    const first = await startCliWorker(env);
    workers.push(first);

    const ready = logOf(first).find((l) => l.event === 'ready');
    const prebuilt = readFileSync(path.join(REPO, 'dist', 'workflow-bundle.js'), 'utf8');
    expect(ready).toMatchObject({
      level: 'INFO',
      bundle: 'prebuilt',
      current: true,
      buildId: buildIdOf(prebuilt),
      deploymentName: env.TEMPORAL_TASK_QUEUE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      metrics: `http://${metricsAddress}/metrics`,
    });
    expect(ready?.readyMs).toEqual(expect.any(Number));
    expect(first.output()).not.toMatch(/webpack|asset workflow-bundle|modules by path/);

    const metrics = await fetch(`http://${metricsAddress}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^temporal_\w+/m);

    // A rollout reaches the versioned worker through the ordinary commands; its events are JSON lines too.
    const id = lastLine((await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env)).stdout);
    expect(lastLine((await rollout(['gate-open', id, '--by', 'ops'], env)).stdout)).toBe('refused');
    expect((await rollout(['cancel', id], env)).code).toBe(0);
    expect((await rollout(['result', id], env)).code).toBe(4);
    // The evidence names the build the run was pinned to.
    const packet = JSON.parse((await rollout(['report', id, '--format', 'json'], env)).stdout) as Packet;
    expect(packet.temporal.buildId).toBe(buildIdOf(prebuilt));
    expect((await rollout(['report', id], env)).stdout).toContain(
      `| Worker build | \`${buildIdOf(prebuilt)}\` (the run is pinned to it) |`,
    );

    // Another build on the same deployment: it serves, but new rollouts stay with the current build.
    const secondEnv = {
      ...env,
      ROLLOUT_BUILD_ID: 'next-build',
      ROLLOUT_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    };
    const second = await startCliWorker(secondEnv);
    workers.push(second);
    expect(logOf(second).find((l) => l.event === 'ready')).toMatchObject({ buildId: 'next-build', current: false });
    expect(logOf(second).find((l) => l.event === 'ready')?.message).toContain(
      `new rollouts go to build ${buildIdOf(prebuilt)}`,
    );

    // Deploying it: with --make-current, new rollouts are pinned to it.
    expect(await second.stop()).toBe(0);
    const promoted = await startCliWorker({ ...secondEnv, ROLLOUT_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` }, [
      '--make-current',
    ]);
    workers.push(promoted);
    expect(logOf(promoted).find((l) => l.event === 'ready')).toMatchObject({ buildId: 'next-build', current: true });
    const next = lastLine((await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env)).stdout);
    expect(lastLine((await rollout(['gate-open', next, '--by', 'ops'], env)).stdout)).toBe('refused');
    expect(
      (JSON.parse((await rollout(['report', next, '--format', 'json'], env)).stdout) as Packet).temporal.buildId,
    ).toBe('next-build');
    expect(await rollout(['cancel', next], env)).toMatchObject({ code: 0 });
    expect((await rollout(['result', next], env)).code).toBe(4);
    expect(await promoted.stop()).toBe(0);
    expect(await first.stop()).toBe(0);
    const log = logOf(first);
    expect(log.map((l) => l.message)).toContainEqual(expect.stringMatching(/^rollout waiting-for-gate: /));
    expect(log.map((l) => l.message)).toContainEqual(expect.stringMatching(/^rollout compensated: /));
    expect(log[log.length - 1]).toMatchObject({ event: 'stopped', level: 'INFO' });
    for (const line of log) expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test(
    'a log pipe that closes stops the worker gracefully: ' + 'the in-flight notice finishes, exit 0, no stack trace',
    async () => {
      db = await freshDatabase();
      // A slow webhook keeps the notice activity in flight after its log line met the closed pipe.
      const posts: string[] = [];
      const hook = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () =>
          setTimeout(() => {
            posts.push(body);
            res.end('ok');
          }, 1500),
        );
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
      const port = (hook.address() as AddressInfo).port;
      const env = envFor(db, { ROLLOUT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
      const temporal = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
      try {
        const worker = await startCliWorker(env);
        workers.push(worker);
        let stderr = '';
        worker.process.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => worker.process.on('close', resolve));
        // The log shipper goes away; the worker's next log line (the rollout's first notice) meets the closed pipe.
        worker.process.stdout?.destroy();
        const id = lastLine((await rollout(['start', '--apr', 'APR-BOOT-AUTHMODEL-1'], env)).stdout);
        expect(await exited).toBe(0);
        expect(stderr).toBe('');
        expect(posts.map((p) => (JSON.parse(p) as { event: string }).event)).toEqual(['waiting-for-gate']);
        const events = (await temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
        const notice = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify');
        expect(
          events.some(
            (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(notice?.eventId),
          ),
        ).toBe(true);
        await temporal.workflow.getHandle(id).terminate('test done');
      } finally {
        await temporal.connection.close();
        hook.close();
      }
    },
  );

  test('a bad metrics address is one line naming the variable, before anything starts', async () => {
    db = await freshDatabase();
    const result = await rollout(['worker'], envFor(db, { ROLLOUT_METRICS_ADDRESS: 'everywhere' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('rollout: ROLLOUT_METRICS_ADDRESS: must be host:port, e.g. 0.0.0.0:9464\n');
  });
});
