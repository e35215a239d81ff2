// `npm run bench:startup`: how soon a replacement worker is ready, with the workflow code bundled at
// start (before) and loaded from the build's prebuilt bundle (after), alternated in one run.
//   in-process: the bundle obtained, Worker.create, run() until the worker is RUNNING;
//   process:    `rollout worker` spawned until its JSON "ready" line (connections, version routing included).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, Runtime, DefaultLogger, makeTelemetryFilterString } from '@temporalio/worker';
import { createPool } from '../src/db/pool';
import { startEmbeddedPostgres } from '../src/infra/embeddedPostgres';
import { startTemporalDevServer } from '../src/infra/temporalDevServer';
import { createRolloutWorker } from '../src/worker';
import { PREBUILT_BUNDLE, bundleWorkflows, loadWorkflowBundle, writeWorkflowBundle } from '../src/workflowBundle';
import { median, round } from './stats';

const RESULTS = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');
const CLI = path.resolve(__dirname, '..', 'src', 'cli', 'index.js');

async function inProcess(connection: NativeConnection, prebuilt: boolean, taskQueue: string): Promise<number> {
  const pool = createPool('postgresql://unused@127.0.0.1:1/unused');
  const t = performance.now();
  const code = prebuilt ? (await loadWorkflowBundle()).code : await bundleWorkflows();
  const worker = await createRolloutWorker({
    connection,
    namespace: 'default',
    taskQueue,
    pool,
    target: 'bench',
    workflowBundle: { code },
  });
  const running = worker.run();
  while (worker.getState() !== 'RUNNING') await new Promise((r) => setImmediate(r));
  const ms = performance.now() - t;
  worker.shutdown();
  await running;
  await pool.end();
  return ms;
}

/**
 * Spawns `rollout worker`; resolves with the wall time to its ready line and the time it reports since its own start.
 * */
function processReady(env: NodeJS.ProcessEnv): Promise<{ wallMs: number; selfMs: number; bundle: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(CLI)}).main(['node', 'rollout', 'worker'])`],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let ready: { wallMs: number; selfMs: number; bundle: string } | null = null;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('"event":"ready"')) continue;
        if (ready) return;
        const wallMs = performance.now() - t;
        const logged = JSON.parse(line) as { readyMs: number; bundle: string };
        ready = { wallMs, selfMs: logged.readyMs, bundle: logged.bundle };
        child.kill('SIGTERM');
        return;
      }
    });
    child.once('close', (code) =>
      ready ? resolve(ready) : reject(new Error(`worker exited ${code} before ready: ${out}${err}`)),
    );
  });
}

async function main(): Promise<void> {
  const repeat = Number(process.argv[2] ?? 5);
  mkdirSync(RESULTS, { recursive: true });
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
    },
  });
  const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
  const connection = await NativeConnection.connect({ address: temporal.address });
  await writeWorkflowBundle();
  const aside = `${PREBUILT_BUNDLE}.aside`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: pg.url(),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'bench-startup',
    ROLLOUT_TARGET: 'bench',
  };
  const runs = {
    inBundled: [] as number[],
    inPrebuilt: [] as number[],
    procBundled: [] as number[],
    procPrebuilt: [] as number[],
    selfBundled: [] as number[],
    selfPrebuilt: [] as number[],
  };
  try {
    // One unmeasured round warms the file cache and registers the deployment version.
    await processReady(env);
    for (let r = 0; r < repeat; r++) {
      runs.inBundled.push(await inProcess(connection, false, `bench-in-${r}`));
      runs.inPrebuilt.push(await inProcess(connection, true, `bench-in-${r}`));
      renameSync(PREBUILT_BUNDLE, aside);
      try {
        const before = await processReady(env);
        if (before.bundle !== 'bundled') throw new Error(`expected the worker to bundle, it said ${before.bundle}`);
        runs.procBundled.push(before.wallMs);
        runs.selfBundled.push(before.selfMs);
      } finally {
        renameSync(aside, PREBUILT_BUNDLE);
      }
      const after = await processReady(env);
      if (after.bundle !== 'prebuilt') throw new Error(`expected the prebuilt bundle, the worker said ${after.bundle}`);
      runs.procPrebuilt.push(after.wallMs);
      runs.selfPrebuilt.push(after.selfMs);
      process.stderr.write(`bench:startup: round ${r + 1}/${repeat}\n`);
    }
  } finally {
    if (existsSync(aside)) renameSync(aside, PREBUILT_BUNDLE);
    await connection.close();
    await Promise.all([pg.stop(), temporal.stop()]);
  }
  const rows = [
    ['in-process: bundle + Worker.create + RUNNING', runs.inBundled, runs.inPrebuilt],
    ['process: spawn to ready line (wall)', runs.procBundled, runs.procPrebuilt],
    ['process: ready as the worker reports it (readyMs)', runs.selfBundled, runs.selfPrebuilt],
  ] as const;
  const lines = [
    '| worker start to ready | bundled at start: best / median ms | prebuilt: best / median ms | ratio (best) | ' +
      'ratio (median) |',
    '|---|---|---|---|---|',
    ...rows.map(
      ([name, before, after]) =>
        `| ${name} | ${round(Math.min(...before), 0)} / ${round(median(before), 0)} | ` +
        `${round(Math.min(...after), 0)} / ${round(median(after), 0)} | ` +
        `${round(Math.min(...before) / Math.min(...after), 1)} | ${round(median(before) / median(after), 1)} |`,
    ),
  ];
  const machine = {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavg: os.loadavg(),
  };
  const file = path.join(RESULTS, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine, repeat, runs }, null, 2)}\n`);
  process.stdout.write(`${lines.join('\n')}\n\nJSON: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
