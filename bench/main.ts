// `npm run bench`: orchestration overhead and SQL cost of a rollout at sizes from the clone up,
// on the real Temporal dev server and embedded PostgreSQL. Prints a table, writes JSON.
import { mkdirSync, mkdtempSync, chmodSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { tsToMs } from '@temporalio/common/lib/time';
import { createActivities } from '../src/activities';
import { createSnapshot } from '../src/db/snapshot';
import { cursor, scan, seed } from './steps';
import { createPool, withTransaction, type Pool, type PoolClient } from '../src/db/pool';
import { initFixture } from '../src/fixture/init';
import { scaledFixture, type ScaledFixture } from '../src/fixture/scale';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/infra/embeddedPostgres';
import { startTemporalDevServer } from '../src/infra/temporalDevServer';
import { RolloutInput, WORKFLOW_TYPE, gateOpenedSignal, progressQuery } from '../src/shared';
import type { Metrics } from '../src/shared/progress';
import { createRolloutWorker } from '../src/worker';
import { bundleWorkflows } from '../src/workflowBundle';
import type { rolloutWorkflow } from '../src/workflows';
import { cliTable, startPairs, timePairs, workerPairs, type CliFigure } from './cli';
import { copyBaseline, insertBaseline, runDirect, type DirectRun } from './direct';
import { liveBench, liveTable, type LiveResult } from './live';
import { explainBaseline, explainSeeded, type Plan } from './explain';
import { spawnWorker, type WorkerMemory } from './workerMemory';
import { targetsTable } from './targets';
import { finalProgress } from '../src/cli/execution';
import { median, round } from './stats';
import { timeline, type HistoryEvents } from './history';
import { bundleFloor, floorRun } from './floor';

const APR = 'APR-BOOT-AUTHMODEL-1';
const CURSOR = 'governance_scan';
const DEFAULT_SIZES = [30, 1_430, 14_290];
const MILLION = 142_858;
const RESULTS = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');

interface Args {
  sizes: number[];
  repeat: number;
  /** Rows of event_outbox and system_issues for the live-tables comparison; null skips it. */
  live: { events: number; issues: number } | null;
  /** Runs of each CLI command and its baseline (0 skips them). */
  cliRounds: number;
  /** At each size only the write-half against COPY and INSERT (b), none of the rollout's other figures. */
  writeHalfOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  let sizes = [...DEFAULT_SIZES];
  let repeat = 3;
  let live: Args['live'] = null;
  let cliRounds = 10;
  let writeHalfOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => argv[++i] ?? '';
    if (arg === '--million') sizes.push(MILLION);
    else if (arg === '--sizes') sizes = next().split(',').map(Number);
    else if (arg === '--repeat') repeat = Number(next());
    else if (arg === '--cli-rounds') cliRounds = Number(next());
    else if (arg === '--cli-only') sizes = [];
    else if (arg === '--write-half-only') writeHalfOnly = true;
    else if (arg === '--live') live = { events: 10_000_000, issues: 1_000_000 };
    else if (arg === '--live-rows') {
      const [events, issues] = next().split(',').map(Number);
      live = { events: events ?? NaN, issues: issues ?? NaN };
    } else {
      throw new Error(
        `unknown argument ${arg}: use --sizes 30,1430,14290 --million --repeat 3 --live [--live-rows ` +
          `10000000,1000000] --cli-rounds 10 --cli-only --write-half-only`,
      );
    }
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(repeat) || repeat < 1) {
    throw new Error('--sizes takes positive integers (governance domains), --repeat a positive integer');
  }
  if (!Number.isInteger(cliRounds) || cliRounds < 0) throw new Error('--cli-rounds takes a non-negative integer');
  if (live && ![live.events, live.issues].every((n) => Number.isInteger(n) && n >= 0)) {
    throw new Error('--live-rows takes two non-negative integers: event_outbox rows,system_issues rows');
  }
  return { sizes: [...new Set(sizes)], repeat, live, cliRounds, writeHalfOnly };
}

const candidateRowsOf = ({ expected }: ScaledFixture) =>
  (expected.candidate_state ?? 0) + (expected.candidate_object ?? 0);

function check(what: string, ok: boolean, detail: unknown): void {
  if (!ok) throw new Error(`${what} does not hold: ${JSON.stringify(detail)}`);
}

/** The numbers every rollout on this fixture must end with. */
function checkCompleted(fixture: ScaledFixture, m: Metrics | null, where: string): void {
  check(
    `${where}: own ${fixture.domains}, gap 0, conflict 0, coverage 100`,
    m !== null &&
      m.own === fixture.domains &&
      m.gap === 0 &&
      m.conflict === 0 &&
      m.coverage_pct === 100 &&
      m.gov_emit === 0,
    m,
  );
}

interface SizeResult {
  domains: number;
  objects: number;
  inventoryRows: number;
  candidateRows: number;
  direct: { bestMs: number; medianMs: number; runsMs: number[]; steps: Record<string, number> };
  workflow: {
    bestMs: number;
    medianMs: number;
    runsMs: number[];
    activityMs: number[];
    activities: Record<string, number>;
    timeline: string[];
    peakRssMb: number;
    rssBeforeMb: number;
  };
  /**
   * The rollout's shape after the gate with no-op activities (bench/floor), one run beside each workflow run:
   * it does not depend on the size, but each size's runs see that size's load. The timeline is the best run's.
   */
  floor: { bestMs: number; medianMs: number; runsMs: number[]; timeline: string[] };
  /** Best of the runs on each side (a shared machine only ever adds time); the medians' ratio beside it. */
  overhead: { ratio: number; addedMs: number; medianRatio: number };
  writeHalf: WriteHalf;
  rerun: {
    firstScanMs: number;
    rerunMs: number;
    timeRatio: number;
    candidateTuplesWritten: number;
    scanRunsAppended: number;
  };
  compensation: {
    applyMs: number;
    compensateMs: number;
    ratio: number;
    steps: Record<string, number>;
    statements: Record<string, number>;
  };
  guards: Record<string, number>;
  /** A real `rollout worker` process through one rollout of this size. */
  workerMemory: WorkerMemory;
}

/**
 * The scanner's write-half against COPY of the same rows, and against a plain INSERT ... SELECT of them, on
 * fresh copies, one of each per copy: `ratio` is COPY's time over the scanner's for the best of each,
 * `medianRatio` the median of the pairs' ratios; `insertRatio` and `insertMedianRatio` the same for COPY over
 * the plain INSERT (the floor of a writer that inserts through the executor, as the scanner does).
 */
interface WriteHalf {
  scannerMs: number;
  copyMs: number;
  insertMs: number;
  rows: number;
  scannerRowsPerS: number;
  copyRowsPerS: number;
  ratio: number;
  medianRatio: number;
  insertRatio: number;
  insertMedianRatio: number;
  scannerRunsMs: number[];
  copyRunsMs: number[];
  insertRunsMs: number[];
}

class Bench {
  private bundle = '';
  private floorBundle = '';
  private client!: Client;
  private connection!: NativeConnection;
  private seq = 0;
  constructor(
    private pg: EmbeddedPostgres,
    private temporalAddress: string,
  ) {}

  async open(): Promise<void> {
    this.bundle = await bundleWorkflows();
    this.floorBundle = await bundleFloor();
    this.client = new Client({ connection: await Connection.connect({ address: this.temporalAddress }) });
    this.connection = await NativeConnection.connect({ address: this.temporalAddress });
  }

  async close(): Promise<void> {
    await this.connection.close();
    await this.client.connection.close();
  }

  private name(prefix: string): string {
    return `${prefix}_${process.pid}_${++this.seq}`;
  }

  private async copyOf(template: string, max = 4): Promise<{ name: string; pool: Pool; drop: () => Promise<void> }> {
    const name = this.name('bench');
    const pool = createPool(await this.pg.createDatabase(name, template), { max });
    return {
      name,
      pool,
      drop: async () => {
        await pool.end();
        await this.admin(`drop database ${name} with (force)`);
      },
    };
  }

  private async admin(sql: string): Promise<void> {
    const pool = createPool(this.pg.url(), { max: 1 });
    try {
      await pool.query(sql);
    } finally {
      await pool.end();
    }
  }

  async size(domains: number, repeat: number, copyDir: string, writeHalfOnly = false): Promise<SizeResult> {
    const fixture = scaledFixture(domains);
    const { ruleset, expected } = fixture;
    const template = this.name('tpl');
    const tplPool = createPool(await this.pg.createDatabase(template), { max: 1 });
    let snapshotRef: string;
    try {
      await initFixture(tplPool, { domains });
      await tplPool.query('insert into os_proposal_approvals (proposal_code, approved_by) values ($1, $2)', [
        APR,
        'bench',
      ]);
      snapshotRef = await withTransaction(tplPool, createSnapshot);
      await tplPool.query('vacuum analyze');
    } finally {
      await tplPool.end();
    }
    const result: Partial<SizeResult> = {
      domains,
      objects: expected.gap,
      inventoryRows: fixture.inventoryRows,
      candidateRows: candidateRowsOf(fixture),
    };
    const writeHalf = () => this.writeHalf(template, fixture, snapshotRef, Math.max(repeat, 3), copyDir);
    try {
      if (writeHalfOnly) {
        result.writeHalf = await writeHalf();
        return result as SizeResult;
      }
      // Guards and verifications, EXPLAIN ANALYZE.
      const plans: Plan[] = [];
      {
        const db = await this.copyOf(template, 1);
        try {
          await db.pool.connect().then(async (c) => {
            try {
              plans.push(...(await explainBaseline(c, APR, ruleset)));
            } finally {
              c.release();
            }
          });
          await seed.apply({
            pool: db.pool,
            rolloutId: 'bench/explain',
            input: { target: db.name, apr: APR, expected },
          });
          await db.pool.query('analyze');
          await db.pool.connect().then(async (c) => {
            try {
              plans.push(...(await explainSeeded(c, APR, ruleset)));
            } finally {
              c.release();
            }
          });
        } finally {
          await db.drop();
        }
      }
      writeFileSync(
        path.join(RESULTS, `explain-${fixture.inventoryRows - domains}.txt`),
        plans.map((p) => `## ${p.name}: ${p.ms} ms\n${p.plan}\n`).join('\n'),
      );
      result.guards = Object.fromEntries(plans.map((p) => [p.name, p.ms]));

      // (a) the whole post-gate rollout: the SQL alone in one session, then the workflow, then Temporal's floor
      // for the workflow's shape (bench/floor), under the same load.
      const directRuns: number[] = [];
      const flowRuns: number[] = [];
      const activityRuns: number[] = [];
      const floorRuns: number[] = [];
      let floorTimeline: string[] = [];
      let activities: Record<string, number> = {};
      let bestTimeline: string[] = [];
      let steps: Record<string, number> = {};
      let peakRss = 0;
      let rssBefore = Infinity;
      for (let r = 0; r < repeat; r++) {
        const { run } = await this.directRun(template, fixture, snapshotRef, `bench/direct/${r}`);
        if (directRuns.every((other) => run.totalMs < other)) steps = run.steps;
        directRuns.push(run.totalMs);

        const flow = await this.copyOf(template);
        try {
          const {
            ms,
            peak,
            before,
            activityMs,
            activities: byType,
            timeline: events,
          } = await this.workflowRun(flow.name, flow.pool, fixture, snapshotRef);
          if (flowRuns.every((other) => ms < other)) [activities, bestTimeline] = [byType, events];
          flowRuns.push(ms);
          activityRuns.push(activityMs);
          peakRss = Math.max(peakRss, peak);
          rssBefore = Math.min(rssBefore, before);
        } finally {
          await flow.drop();
        }

        const floor = await this.floorRun();
        if (floorRuns.every((other) => floor.ms < other)) floorTimeline = floor.timeline;
        floorRuns.push(floor.ms);
      }
      const directMs = Math.min(...directRuns);
      const flowMs = Math.min(...flowRuns);
      result.direct = { bestMs: directMs, medianMs: median(directRuns), runsMs: directRuns, steps };
      result.workflow = {
        bestMs: flowMs,
        medianMs: median(flowRuns),
        runsMs: flowRuns,
        activityMs: activityRuns,
        activities,
        timeline: bestTimeline,
        peakRssMb: peakRss / 2 ** 20,
        rssBeforeMb: rssBefore / 2 ** 20,
      };
      result.floor = {
        bestMs: Math.min(...floorRuns),
        medianMs: median(floorRuns),
        runsMs: floorRuns,
        timeline: floorTimeline,
      };
      result.overhead = {
        ratio: flowMs / directMs,
        addedMs: flowMs - directMs,
        medianRatio: median(flowRuns) / median(directRuns),
      };

      // (b) the write-half against COPY of the same rows, at least 3 pairs at every size (a few seconds each).
      result.writeHalf = await writeHalf();
      {
        const db = await this.copyOf(template, 1);
        try {
          result.workerMemory = await this.workerMemory(db.name, fixture, snapshotRef);
        } finally {
          await db.drop();
        }
      }

      // (c) and (d): the real activities, called directly, on a fresh copy each time; the best of each figure.
      const rounds: Awaited<ReturnType<Bench['rerunAndCompensation']>>[] = [];
      for (let r = 0; r < repeat; r++) {
        const db = await this.copyOf(template, 1);
        try {
          rounds.push(await this.rerunAndCompensation(db.name, db.pool, fixture, snapshotRef));
        } finally {
          await db.drop();
        }
      }
      const best = <T>(pick: (x: (typeof rounds)[number]) => T, by: (x: T) => number): T =>
        rounds.map(pick).reduce((a, b) => (by(b) < by(a) ? b : a));
      const firstScanMs = Math.min(...rounds.map((x) => x.rerun.firstScanMs));
      const rerunMs = Math.min(...rounds.map((x) => x.rerun.rerunMs));
      result.rerun = {
        firstScanMs,
        rerunMs,
        timeRatio: rerunMs / firstScanMs,
        candidateTuplesWritten: Math.max(...rounds.map((x) => x.rerun.candidateTuplesWritten)),
        // Every round must append exactly its one run row; a disagreement shows as NaN.
        scanRunsAppended:
          new Set(rounds.map((x) => x.rerun.scanRunsAppended)).size === 1
            ? (rounds[0]?.rerun.scanRunsAppended ?? NaN)
            : NaN,
      };
      const applyMs = Math.min(...rounds.map((x) => x.compensation.applyMs));
      const compensateMs = Math.min(...rounds.map((x) => x.compensation.compensateMs));
      result.compensation = {
        ...best(
          (x) => x.compensation,
          (c) => c.applyMs + c.compensateMs,
        ),
        applyMs,
        compensateMs,
        ratio: compensateMs / applyMs,
      };
    } finally {
      await this.admin(`drop database ${template} with (force)`);
    }
    return result as SizeResult;
  }

  /**
   * The SQL of one rollout alone in one session on a fresh copy (bench/direct.ts), checked for the candidates
   * it must write, then `after` in the same session before the copy is dropped.
   */
  private async directRun<T = undefined>(
    template: string,
    fixture: ScaledFixture,
    snapshotRef: string,
    rolloutId: string,
    after?: (session: PoolClient, run: DirectRun) => Promise<T>,
  ): Promise<{ run: DirectRun; after: T }> {
    const db = await this.copyOf(template, 1);
    try {
      const session = await db.pool.connect();
      try {
        const { ruleset, expected } = fixture;
        const run = await runDirect(session, {
          apr: APR,
          rolloutId,
          ruleset,
          snapshotRef,
          expected,
          cursorName: CURSOR,
        });
        check(
          'direct run wrote the expected candidates',
          run.rowsWritten === candidateRowsOf(fixture),
          run.rowsWritten,
        );
        return { run, after: (after ? await after(session, run) : undefined) as T };
      } finally {
        session.release();
      }
    } finally {
      await db.drop();
    }
  }

  /** (b): the scanner's write-half, then COPY and a plain INSERT of the same rows, on one fresh copy per round. */
  private async writeHalf(
    template: string,
    fixture: ScaledFixture,
    snapshotRef: string,
    rounds: number,
    copyDir: string,
  ): Promise<WriteHalf> {
    const scannerRunsMs: number[] = [];
    const copyRunsMs: number[] = [];
    const insertRunsMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const { run, after } = await this.directRun(
        template,
        fixture,
        snapshotRef,
        `bench/write-half/${r}`,
        async (session, rows) => {
          const copy = await copyBaseline(session, rows.rulesetId, copyDir);
          check('COPY moved the same rows', copy.rows === rows.rowsWritten, copy);
          const insert = await insertBaseline(session, rows.rulesetId);
          check('INSERT moved the same rows', insert.rows === rows.rowsWritten, insert);
          return { copy, insert };
        },
      );
      scannerRunsMs.push(run.writeHalfMs);
      copyRunsMs.push(after.copy.ms);
      insertRunsMs.push(after.insert.ms);
    }
    const candidateRows = candidateRowsOf(fixture);
    const [scannerMs, copyMs, insertMs] = [scannerRunsMs, copyRunsMs, insertRunsMs].map((xs) => Math.min(...xs)) as [
      number,
      number,
      number,
    ];
    const pairRatios = (over: number[]) => median(copyRunsMs.map((ms, i) => ms / (over[i] ?? NaN)));
    return {
      scannerMs,
      copyMs,
      insertMs,
      rows: candidateRows,
      ratio: copyMs / scannerMs,
      medianRatio: pairRatios(scannerRunsMs),
      insertRatio: copyMs / insertMs,
      insertMedianRatio: pairRatios(insertRunsMs),
      scannerRowsPerS: candidateRows / (scannerMs / 1000),
      copyRowsPerS: candidateRows / (copyMs / 1000),
      scannerRunsMs,
      copyRunsMs,
      insertRunsMs,
    };
  }

  /** The CLI's start, and progress and list with a worker up and a rollout waiting at its gate. */
  async cli(rounds: number): Promise<CliFigure[]> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: this.temporalAddress,
      ROLLOUT_TARGET: 'bench',
    };
    const figures = await timePairs(startPairs(), env, rounds);
    const database = this.name('cli');
    const pool = createPool(await this.pg.createDatabase(database), { max: 2 });
    try {
      await initFixture(pool);
      const taskQueue = this.name('bench-cli-tq');
      const worker = await createRolloutWorker({
        connection: this.connection,
        namespace: 'default',
        taskQueue,
        pool,
        target: database,
        workflowBundle: { code: this.bundle },
      });
      const running = worker.run();
      try {
        const input = RolloutInput.parse({ target: database, apr: APR });
        const handle = await this.atGate(taskQueue, 'bench-cli', input);
        const cliEnv = {
          ...env,
          TEMPORAL_TASK_QUEUE: taskQueue,
          DATABASE_URL: this.pg.url(database),
          ROLLOUT_TARGET: database,
        };
        const pairs = workerPairs(this.temporalAddress, handle.workflowId, taskQueue);
        figures.push(...(await timePairs(pairs, cliEnv, rounds)));
        await handle.cancel();
        const ended = (await finalProgress(handle)).state;
        check("the CLI's rollout compensated", ended === 'COMPENSATED', { workflowId: handle.workflowId, ended });
      } finally {
        worker.shutdown();
        await running;
      }
    } finally {
      await pool.end();
      await this.admin(`drop database ${database} with (force)`);
    }
    return figures;
  }

  /** A rollout started on the queue, once it waits at its gate. */
  private async atGate(taskQueue: string, prefix: string, input: RolloutInput) {
    const workflowId = this.name(prefix);
    const handle = await this.client.workflow.start<typeof rolloutWorkflow>(WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
    });
    for (let i = 0; i < 100 && (await handle.query(progressQuery)).state !== 'WAITING_FOR_GATE'; i++) await sleep(20);
    return handle;
  }

  /** One rollout on a `rollout worker` process of its own: the worker's memory at this size. */
  private async workerMemory(target: string, fixture: ScaledFixture, snapshotRef: string): Promise<WorkerMemory> {
    const taskQueue = this.name('bench-mem-tq');
    const worker = await spawnWorker({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: this.pg.url(target),
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ROLLOUT_TARGET: target,
    });
    try {
      const readyMb = worker.rssMb();
      const scan = { ruleset: fixture.ruleset, snapshotRef };
      const handle = await this.atGate(
        taskQueue,
        'bench-mem',
        RolloutInput.parse({ target, apr: APR, expected: fixture.expected, scan }),
      );
      const gateMb = worker.rssMb();
      await handle.signal(gateOpenedSignal, { id: 'bench', by: 'bench' });
      const progress = await finalProgress(handle);
      check('worker process rollout COMPLETED', progress.state === 'COMPLETED', {
        state: progress.state,
        reason: progress.reason,
      });
      checkCompleted(fixture, progress.metrics, 'worker process');
      return { readyMb, gateMb, peakMb: worker.peakMb() };
    } finally {
      await worker.stop();
    }
  }

  private floorRun() {
    const context = { connection: this.connection, client: this.client, bundle: this.floorBundle };
    return floorRun(context, this.name('bench-floor-tq'));
  }

  private async workflowRun(target: string, pool: Pool, fixture: ScaledFixture, snapshotRef: string) {
    const taskQueue = this.name('bench-tq');
    const worker = await createRolloutWorker({
      connection: this.connection,
      namespace: 'default',
      taskQueue,
      pool,
      target,
      workflowBundle: { code: this.bundle },
    });
    const running = worker.run();
    try {
      const input = RolloutInput.parse({
        target,
        apr: APR,
        expected: fixture.expected,
        scan: { ruleset: fixture.ruleset, snapshotRef },
      });
      const handle = await this.client.workflow.start<typeof rolloutWorkflow>(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: this.name('bench-rollout'),
        args: [input],
      });
      // Let the pre-gate notice settle, so the clock starts at the gate.
      for (let i = 0; i < 100 && (await handle.query(progressQuery)).state !== 'WAITING_FOR_GATE'; i++) await sleep(20);
      await sleep(300);
      const before = process.memoryUsage.rss();
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 10);
      const t = performance.now();
      await handle.signal(gateOpenedSignal, { id: 'bench', by: 'bench' });
      const progress = await finalProgress(handle);
      const ms = performance.now() - t;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage.rss());
      const events = (await handle.fetchHistory()).events ?? [];
      const activities = activityTime(events);
      const after = timeline(events);
      check('workflow COMPLETED', progress.state === 'COMPLETED', { state: progress.state, reason: progress.reason });
      checkCompleted(fixture, progress.metrics, 'workflow');
      const scan = progress.steps.find((s) => s.name === 'scan')?.detail ?? {};
      check(
        'workflow candidates',
        scan.candidate_state === fixture.expected.candidate_state &&
          scan.candidate_object === fixture.expected.candidate_object,
        scan,
      );
      return { ms, peak, before, activityMs: activities.total, activities: activities.byType, timeline: after };
    } finally {
      worker.shutdown();
      await running;
    }
  }

  private async rerunAndCompensation(target: string, pool: Pool, fixture: ScaledFixture, snapshotRef: string) {
    // Every statement the activities send is counted: the same count at every size means no per-row round trips.
    let sent = 0;
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
        sent++;
        return query(...args);
      };
    });
    const acts = createActivities({ pool, target });
    const { ruleset, expected } = fixture;
    const input = { target, apr: APR, expected, scan: { ruleset, snapshotRef, cursorName: CURSOR } };
    const r1 = { pool, rolloutId: 'bench/first', input };
    const r2 = { pool, rolloutId: 'bench/rerun', input };
    const statements: Record<string, number> = {};
    const timed = async <T>(steps: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      const before = sent;
      const out = await fn();
      steps[name] = performance.now() - t;
      statements[name] = sent - before;
      return out;
    };
    const steps: Record<string, number> = {};
    const baseline = await acts.measure({ target, apr: APR });
    await timed(steps, 'applySeed', () => seed.apply(r1));
    const first = (await timed(steps, 'applyScan', () => scan.apply(r1))).detail;
    check(
      'first scan wrote the candidates',
      first.candidate_state === expected.candidate_state && first.candidate_object === expected.candidate_object,
      first,
    );
    await timed(steps, 'advanceCursor', () => cursor.apply(r1));
    checkCompleted(fixture, await acts.measure({ target, apr: APR }), 'activities');

    // (c) an identical scan by another rollout: nothing to write but its run row.
    const tuples = async () => {
      // The pool has one connection: the activities' own backend flushes its counters here.
      await pool.query('select pg_stat_force_next_flush()');
      const { rows } = await pool.query<{ written: string; runs: string }>(
        `select (select coalesce(sum(n_tup_ins + n_tup_upd), 0) from pg_stat_user_tables
                  where relname in ('candidate_state', 'candidate_object')) as written,
                (select count(*) from candidate_scan_run) as runs`,
      );
      return { written: Number(rows[0]?.written), runs: Number(rows[0]?.runs) };
    };
    const beforeRerun = await tuples();
    const t = performance.now();
    const again = (await scan.apply(r2)).detail;
    const rerunMs = performance.now() - t;
    const afterRerun = await tuples();
    check('re-run inserted nothing', again.statesInserted === 0 && again.objectsInserted === 0, again);
    await scan.revert(r2);

    // (d) compensation in the workflow's order: cursor, scan, seed.
    const undo: Record<string, number> = {};
    await timed(undo, 'revertCursor', () => cursor.revert(r1));
    await timed(undo, 'revertScan', () => scan.revert(r1));
    await timed(undo, 'revertSeed', () => seed.revert(r1));
    const restored = await acts.measure({ target, apr: APR });
    check(
      'compensation restored the baseline',
      restored.own === baseline.own && restored.gap === baseline.gap,
      restored,
    );
    const applyMs = Object.values(steps).reduce((a, b) => a + b, 0);
    const compensateMs = Object.values(undo).reduce((a, b) => a + b, 0);
    return {
      rerun: {
        firstScanMs: steps.applyScan ?? NaN,
        rerunMs,
        timeRatio: rerunMs / (steps.applyScan ?? NaN),
        candidateTuplesWritten: afterRerun.written - beforeRerun.written,
        scanRunsAppended: afterRerun.runs - beforeRerun.runs,
      },
      compensation: { applyMs, compensateMs, ratio: compensateMs / applyMs, steps: { ...steps, ...undo }, statements },
    };
  }
}

/**
 * Time the worker spent inside post-gate activities (scheduled to closed, from the history), notices
 * aside since they run beside the steps: what is left of the wall time is the orchestration's own.
 */
function activityTime(events: HistoryEvents): { total: number; byType: Record<string, number> } {
  const scheduled = new Map<string, { type: string; at: number }>();
  const byType: Record<string, number> = {};
  for (const e of events) {
    const at = e.eventTime ? tsToMs(e.eventTime) : 0;
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '', at });
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    const start = closed ? scheduled.get(String(closed.scheduledEventId)) : undefined;
    if (start && start.type !== 'notify' && start.type !== 'readGate')
      byType[start.type] = (byType[start.type] ?? 0) + at - start.at;
  }
  return { total: Object.values(byType).reduce((a, b) => a + b, 0), byType };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function table(results: SizeResult[]): string {
  // The worker's memory at each size against its memory at the clone's (30 domains), or the smallest size run.
  const clone = results.find((r) => r.domains === 30) ?? [...results].sort((a, b) => a.domains - b.domains)[0];
  const rows = results.map((r) =>
    [
      r.objects.toLocaleString('en-US'),
      round(r.direct.bestMs, 0),
      round(r.workflow.bestMs, 0),
      round(r.overhead.ratio, 2),
      round(r.overhead.medianRatio, 2),
      round(r.overhead.addedMs, 0),
      round(r.floor.bestMs, 0),
      round(r.writeHalf.scannerRowsPerS, 0),
      round(r.writeHalf.copyRowsPerS, 0),
      round(r.writeHalf.ratio, 2),
      round(r.writeHalf.medianRatio, 2),
      round(r.writeHalf.insertRatio, 2),
      `${r.rerun.candidateTuplesWritten}/${r.rerun.scanRunsAppended}`,
      round(r.rerun.timeRatio, 2),
      round(r.compensation.applyMs, 0),
      round(r.compensation.compensateMs, 0),
      round(r.compensation.ratio, 2),
      Object.values(r.compensation.statements).reduce((a, b) => a + b, 0),
      round(r.workflow.peakRssMb, 0),
      round(r.workerMemory.peakMb, 0),
      round(r.workerMemory.peakMb / (clone?.workerMemory.peakMb ?? NaN), 2),
      round(r.guards['guard: gap'] ?? NaN, 1),
      round(r.guards['metrics/measure.sql (after seed)'] ?? NaN, 1),
    ].map(String),
  );
  const head = [
    'objects',
    'sql ms',
    'wf ms',
    'wf/sql',
    '(median)',
    'added ms',
    'floor ms',
    'scan rows/s',
    'COPY rows/s',
    'scan/COPY',
    '(median)',
    'INSERT/COPY',
    'rerun tup/runs',
    'rerun/first',
    'apply ms',
    'undo ms',
    'undo/apply',
    'statements',
    'peak RSS MB',
    'worker MB',
    'worker/clone',
    'gap guard ms',
    'measure ms',
  ];
  return render(head, rows);
}

function render(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** --write-half-only: the scanner, COPY and a plain INSERT of the same rows, bests and medians of the pairs. */
function writeHalfTable(results: SizeResult[]): string {
  const head = [
    'objects',
    'rows',
    'scan ms',
    'COPY ms',
    'INSERT ms',
    'scan/COPY',
    '(median)',
    'INSERT/COPY',
    '(median)',
  ];
  const rows = results.map(({ objects, writeHalf: w }) =>
    [
      objects.toLocaleString('en-US'),
      w.rows.toLocaleString('en-US'),
      round(w.scannerMs, 0),
      round(w.copyMs, 0),
      round(w.insertMs, 0),
      round(w.ratio, 2),
      round(w.medianRatio, 2),
      round(w.insertRatio, 2),
      round(w.insertMedianRatio, 2),
    ].map(String),
  );
  return render(head, rows);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // The machine is shared: the load it ran under, at the start and at the end, goes with the figures.
  const loadAtStart = os.loadavg();
  mkdirSync(RESULTS, { recursive: true });
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
    },
  });
  const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
  // The server (another OS user) writes and reads the COPY files here.
  const copyDir = mkdtempSync(path.join(os.tmpdir(), 'governed-rollout-bench-'));
  chmodSync(copyDir, 0o777);
  const bench = new Bench(pg, temporal.address);
  const results: SizeResult[] = [];
  let live: LiveResult | null = null;
  let cli: CliFigure[] = [];
  try {
    await bench.open();
    if (args.cliRounds > 0) {
      const t = performance.now();
      cli = await bench.cli(args.cliRounds);
      process.stderr.write(`bench: CLI done in ${round((performance.now() - t) / 1000)} s\n`);
    }
    if (args.live) {
      const t = performance.now();
      live = await liveBench(pg, { ...args.live, repeat: Math.max(args.repeat, 5) });
      process.stderr.write(`bench: live tables done in ${round((performance.now() - t) / 1000)} s\n`);
    }
    for (const domains of args.sizes) {
      const t = performance.now();
      // The write-half alone is quick enough to run --repeat times at every size.
      const repeat = domains >= 50_000 && !args.writeHalfOnly ? 1 : args.repeat;
      results.push(await bench.size(domains, repeat, copyDir, args.writeHalfOnly));
      process.stderr.write(`bench: ${domains} domains done in ${round((performance.now() - t) / 1000)} s\n`);
    }
  } finally {
    await bench.close();
    await Promise.all([pg.stop(), temporal.stop()]);
    rmSync(copyDir, { recursive: true, force: true });
  }
  const machine = {
    nproc: os.cpus().length,
    memoryGb: round(os.totalmem() / 2 ** 30),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadavgAtStart: loadAtStart,
    loadavgAtEnd: os.loadavg(),
  };
  const file = path.join(RESULTS, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine, args, results, live, cli }, null, 2)}\n`);
  const sizes = args.writeHalfOnly ? writeHalfTable : table;
  const sections = [
    results.length ? sizes(results) : '',
    live ? liveTable(live) : '',
    cli.length ? cliTable(cli) : '',
    targetsTable(results, live, cli),
  ];
  process.stdout.write(`${sections.filter(Boolean).join('\n\n')}\n\nJSON: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
