// The baseline: the very SQL a rollout runs after the gate, in the workflow's order and
// transactions, from one database session with nothing around it.
import { inspectRollout } from '../src/steps/preflight';
import { takeRolloutLock } from '../src/db/lock';
import type { PoolClient } from '../src/db/pool';
import { runScript } from '../src/db/pool';
import { SEED_SCRIPT, sqlFile, sqlSection, type SqlScript } from '../src/db/sql';
import type { Expected, Ruleset } from '../src/shared/input';

export interface DirectRun {
  totalMs: number;
  /** The scanner's write-half: apply_states + apply_objects. */
  writeHalfMs: number;
  rowsWritten: number;
  rulesetId: number;
  steps: Record<string, number>;
}

export interface DirectInput {
  apr: string;
  rolloutId: string;
  ruleset: Ruleset;
  snapshotRef: string;
  expected: Expected;
  cursorName: string;
}

type Statement = [SqlScript, readonly unknown[]];

export async function runDirect(client: PoolClient, input: DirectInput): Promise<DirectRun> {
  const { apr, rolloutId, ruleset, snapshotRef, expected, cursorName } = input;
  const steps: Record<string, number> = {};
  const run = async (script: SqlScript, params: readonly unknown[] = []) => {
    const t = performance.now();
    const result = await runScript(client, script, params);
    steps[script.name] = (steps[script.name] ?? 0) + performance.now() - t;
    return result;
  };
  const footprint = sqlFile('footprint/transaction.sql');
  const measure = sqlFile('metrics/measure.sql');
  // Every step's transaction as the steps run it (src/steps/transaction.ts): the session's write counters,
  // the lock, the step's statements, the counters again, the packet's numbers (every one for the seed,
  // Phase 3's for the scan and the cursor), COMMIT.
  const tx = async (body: () => Promise<void>, names: string[], everyNumber = false) => {
    await client.query('begin');
    await run(footprint, [[]]);
    const t = performance.now();
    await takeRolloutLock(client);
    steps['lock.sql'] = (steps['lock.sql'] ?? 0) + performance.now() - t;
    await body();
    await run(footprint, [names]);
    await run(measure, [apr, everyNumber]);
    await client.query('commit');
  };
  const statements = async (list: Statement[]) => {
    for (const [script, params] of list) await run(script, params);
  };

  const started = performance.now();
  await run(sqlFile('gate/ospa.sql'), [apr]);
  // The preflight: the contract against the catalog and every step's prerequisites, read only.
  await client.query('begin transaction read only');
  const t = performance.now();
  await inspectRollout(client, { target: 'bench', apr, expected, scan: { ruleset, snapshotRef, cursorName } });
  steps.preflight = performance.now() - t;
  await client.query('rollback');
  await tx(
    () =>
      statements([
        [sqlFile('seed/status.sql'), [rolloutId, apr]],
        [sqlFile('seed/settings.sql'), [apr, String(expected.gap), String(expected.own), String(expected.conflict)]],
        [sqlSection(SEED_SCRIPT, 'guard'), []],
        [sqlSection(SEED_SCRIPT, 'apply'), []],
        [sqlFile('seed/claim.sql'), [rolloutId, apr]],
      ]),
    ['governance_object_ownership', 'governed_rollout.written', 'governed_rollout.step_done'],
    true,
  );

  let writeHalfMs = 0;
  let rowsWritten = 0;
  let rulesetId = 0;
  await tx(async () => {
    await run(sqlFile('scan/expect.sql'), [ruleset.domains]);
    await run(sqlFile('ledger/step.sql'), [rolloutId, 'scan']);
    await run(sqlFile('snapshot/read.sql'), [snapshotRef]);
    await run(sqlFile('snapshot/inventory.sql'));
    const cursor = (await run(sqlFile('cursor/read.sql'), [cursorName])).rows[0] as
      { snapshot_ref: string | null } | undefined;
    const seeded = await run(sqlFile('scan/ruleset_apply.sql'), [
      ruleset.code,
      ruleset.version,
      JSON.stringify(ruleset),
      rolloutId,
    ]);
    rulesetId = Number((seeded.rows[0] as { ruleset_id: string }).ruleset_id);
    const writeStarted = performance.now();
    const states = await run(sqlFile('scan/apply_states.sql'), [rulesetId, ruleset.domains, ruleset.state, rolloutId]);
    const objects = await run(sqlFile('scan/apply_objects.sql'), [rulesetId, rolloutId]);
    writeHalfMs = performance.now() - writeStarted;
    const inserted = (r: { rows: unknown[] }) => (r.rows[0] as { inserted: number } | undefined)?.inserted ?? 0;
    rowsWritten = inserted(states) + inserted(objects);
    await run(sqlFile('scan/run_apply.sql'), [
      rulesetId,
      snapshotRef,
      rolloutId,
      inserted(states),
      inserted(objects),
      cursor?.snapshot_ref ?? null,
    ]);
    await run(sqlFile('scan/verify.sql'), [rulesetId]);
  }, [
    'governance_ruleset',
    'candidate_state',
    'candidate_object',
    'candidate_scan_run',
    'governed_rollout.written',
    'governed_rollout.step_done',
  ]);

  await tx(async () => {
    await run(sqlFile('ledger/step.sql'), [rolloutId, 'cursor']);
    const from = (await run(sqlFile('ledger/step.sql'), [rolloutId, 'scan'])).rows[0] as
      { result: { cursorFrom: string | null } } | undefined;
    await statements([
      [sqlFile('cursor/apply.sql'), [cursorName, from?.result.cursorFrom ?? null, snapshotRef, rolloutId]],
      [sqlFile('ledger/done.sql'), [rolloutId, 'cursor', JSON.stringify({ changed: true, current: snapshotRef })]],
    ]);
  }, ['scan_cursor', 'governed_rollout.written', 'governed_rollout.step_done']);
  return { totalMs: performance.now() - started, writeHalfMs, rowsWritten, rulesetId, steps };
}

/**
 * Empty copies of the candidate tables (same columns, indexes, defaults, identities and foreign keys) for the
 * scanner's rows of this ruleset to be written into again, the states' identity restarted at the scanner's
 * first id, so the objects' rows refer to the states written just before them (the foreign key would refuse
 * any other). The tables generate the ids (identity) and created_at (default) for every writer, as they do
 * for the scanner. Returns the number the statements below are given (COPY takes no bind parameters).
 */
async function emptyCopies(client: PoolClient, rulesetId: number): Promise<number> {
  await client.query('drop table if exists bench_copy_object, bench_copy_state');
  await client.query('create table bench_copy_state (like candidate_state including all)');
  await client.query('create table bench_copy_object (like candidate_object including all)');
  await client.query(
    'alter table bench_copy_state add foreign key (ruleset_id) references governance_ruleset (ruleset_id)',
  );
  await client.query(
    'alter table bench_copy_object add foreign key (candidate_state_id) references bench_copy_state ' +
      '(candidate_state_id)',
  );
  const id = Math.trunc(rulesetId);
  const { rows } = await client.query<{ first: string; n: string; span: string }>(
    `select min(candidate_state_id) as first, count(*) as n,
            max(candidate_state_id) - min(candidate_state_id) + 1 as span
       from candidate_state where ruleset_id = ${id}`,
  );
  if (rows[0]?.n !== rows[0]?.span) {
    throw new Error(`the scanner's state ids are not contiguous: ${JSON.stringify(rows[0])}`);
  }
  await client.query(
    `alter table bench_copy_state alter column candidate_state_id restart with ${Number(rows[0]?.first)}`,
  );
  return id;
}

// The scanner's rows of a ruleset, in the order it inserted them, with the columns it gives its INSERTs.
const STATE_ROWS = (id: number) =>
  `select ruleset_id, domain_code, state, object_count from candidate_state
    where ruleset_id = ${id} order by candidate_state_id`;
const OBJECT_ROWS = (id: number) =>
  `select o.candidate_state_id, o.object_ref, o.object_type from candidate_object o
     join candidate_state s using (candidate_state_id)
    where s.ruleset_id = ${id} order by o.candidate_object_id`;

/** Both statements in one transaction, timed from BEGIN to COMMIT; the copies dropped after. */
async function timedWrite(client: PoolClient, statements: [string, string]): Promise<{ ms: number; rows: number }> {
  const t = performance.now();
  await client.query('begin');
  const a = await client.query(statements[0]);
  const b = await client.query(statements[1]);
  await client.query('commit');
  const ms = performance.now() - t;
  await client.query('drop table bench_copy_object, bench_copy_state');
  return { ms, rows: (a.rowCount ?? 0) + (b.rowCount ?? 0) };
}

/**
 * The same candidate rows COPYed into empty copies of the candidate tables, in one transaction: what the
 * write-half costs without the scanner's reads and upserts. COPY is given the columns the scanner gives its
 * INSERTs and nothing more. Server-side files, so the server reads what it wrote and no client library is needed.
 */
export async function copyBaseline(
  client: PoolClient,
  rulesetId: number,
  dir: string,
): Promise<{ ms: number; rows: number }> {
  const states = `${dir}/candidate_state.copy`;
  const objects = `${dir}/candidate_object.copy`;
  const id = await emptyCopies(client, rulesetId);
  await client.query(`copy (${STATE_ROWS(id)}) to '${states}'`);
  await client.query(`copy (${OBJECT_ROWS(id)}) to '${objects}'`);
  return timedWrite(client, [
    `copy bench_copy_state (ruleset_id, domain_code, state, object_count) from '${states}'`,
    `copy bench_copy_object (candidate_state_id, object_ref, object_type) from '${objects}'`,
  ]);
}

/**
 * The same rows again by plain `INSERT ... SELECT` from tables holding nothing else (temporary, filled
 * beforehand, read in full): no view, no join, no ON CONFLICT, no RETURNING, no ledger. The floor of any
 * writer that inserts row by row through the executor, as the scanner must, against COPY's batched inserts.
 */
export async function insertBaseline(client: PoolClient, rulesetId: number): Promise<{ ms: number; rows: number }> {
  const id = await emptyCopies(client, rulesetId);
  await client.query('drop table if exists bench_rows_state, bench_rows_object');
  await client.query(`create temporary table bench_rows_state as ${STATE_ROWS(id)}`);
  await client.query(`create temporary table bench_rows_object as ${OBJECT_ROWS(id)}`);
  try {
    return await timedWrite(client, [
      'insert into bench_copy_state (ruleset_id, domain_code, state, object_count) select * from bench_rows_state',
      'insert into bench_copy_object (candidate_state_id, object_ref, object_type) select * from bench_rows_object',
    ]);
  } finally {
    await client.query('drop table bench_rows_state, bench_rows_object');
  }
}
