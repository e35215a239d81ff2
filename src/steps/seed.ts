// Phase 1, the ownership seed: 30 governance_object_ownership rows for the ratified APR, written by the
// packet's own script (its `-- @section`s in one transaction of ours, or production's whole script through
// psql), claimed in the ledger, verified (own 30, gap 0, conflict 0, 30 direct + 210 inherited, coverage
// 100), and undone by the packet's rollback narrowed to the rows the ledger records.
import { readFileSync } from 'node:fs';
import { poolWatch, runScript, withClient, type PoolClient } from '../db/pool';
import { measureOn } from '../db/measure';
import { psqlEnv, runPsql } from '../db/psql';
import { bytesSha256, executed, SEED_SCRIPT, sha256, sqlFile, sqlSection, type SqlScript } from '../db/sql';
import { declare, mergeProofs, type Declared } from '../shared/footprint';
import type { StepInput, SeedScript } from '../shared/input';
import type { Metrics } from '../shared/progress';
import { seedMismatches } from './expectations';
import { check, one } from './inspect';
import { ledgerEntries } from './ledger';
import { guardRefused, Refusal } from './refusal';
import { revertMarked } from './revert';
import { proveScriptFootprint, sessionGone, tableWrites } from './seedScript';
import {
  FOOTPRINT_SQL,
  MEASURE_SQL,
  measured,
  stepTransaction,
  verifyAfter,
  type StepWrite,
  type Verify,
} from './transaction';
import type { Applied, Step, StepRun } from './types';

const OWNERSHIP = 'governance_object_ownership';

const sql = {
  status: sqlFile('seed/status.sql'),
  claim: sqlFile('seed/claim.sql'),
  settings: sqlFile('seed/settings.sql'),
  started: sqlFile('seed/started.sql'),
  xids: sqlFile('seed/script_xids.sql'),
  committed: sqlFile('footprint/committed.sql'),
  counters: sqlFile('footprint/counters.sql'),
  done: sqlFile('ledger/done.sql'),
  guard: sqlSection(SEED_SCRIPT, 'guard'),
  apply: sqlSection(SEED_SCRIPT, 'apply'),
};

/** Production's own script, by the digest the rollout started with: read at run time, never changed. */
function scriptRef(script: SeedScript): SqlScript {
  return { name: script.path, text: '', statements: [], sha256: script.sha256 };
}

interface SeedStatus {
  done: { inserted: number; alreadyPresent: boolean } | null;
  started: boolean;
  present: number;
  unclaimed: number;
}

interface Seeded {
  inserted: number;
  alreadyPresent: boolean;
}

async function readStatus(client: PoolClient, run: StepRun): Promise<SeedStatus> {
  const row = (await runScript<SeedStatus>(client, sql.status, [run.rolloutId, run.input.apr])).rows[0];
  if (!row) throw new Error('seed/status.sql returned no row');
  return row;
}

/** The seed moves the ownership numbers: it reads and verifies every number. */
const verifySeed = (input: StepInput): Verify => ({
  numbers: 'every',
  problems: (after: Metrics) => seedMismatches(input.expected, after),
});

/**
 * What the ledger already says: the step done (a retry after a lost acknowledgement), or the seed rows
 * of this APR already there, written by an earlier rollout or by hand: not this rollout's, so it records
 * that it wrote nothing and leaves them alone. Rows its own script committed (started, unclaimed) are
 * claimed here.
 */
async function settled(client: PoolClient, run: StepRun): Promise<StepWrite<Seeded> | null> {
  const { input, rolloutId } = run;
  const now = await readStatus(client, run);
  const verify = verifySeed(input);
  if (now.done) return { result: now.done, declared: [], verify };
  if (now.started && now.unclaimed > 0) {
    // This rollout's script committed, then its acknowledgement was lost: the rows are this rollout's.
    const inserted =
      (await runScript<{ inserted: number }>(client, sql.claim, [rolloutId, input.apr])).rows[0]?.inserted ?? 0;
    return { result: { inserted, alreadyPresent: false }, declared: ledgerEntries({ written: 1, done: 1 }), verify };
  }
  if (now.present === 0) return null;
  if (now.present !== input.expected.seed_rows) {
    throw guardRefused(
      `governance_object_ownership holds ${now.present} seed rows for ${input.apr}, not ` +
        `${input.expected.seed_rows}: refusing to touch rows this rollout did not write`,
    );
  }
  await runScript(client, sql.done, [rolloutId, 'seed', JSON.stringify({ inserted: 0, alreadyPresent: true })]);
  return { result: { inserted: 0, alreadyPresent: true }, declared: ledgerEntries({ done: 1 }), verify };
}

function applied(run: StepRun, seeded: Seeded, proven: Pick<Applied, 'footprint' | 'after'>): Applied {
  const { seedScript } = run.input;
  return {
    detail: {
      inserted: seeded.inserted,
      alreadyPresent: seeded.alreadyPresent,
      ...(seedScript ? { seedScriptSha256: seedScript.sha256 } : {}),
    },
    ...executed(seed.manifest(run.input)),
    ...proven,
  };
}

/**
 * The guard and apply sections of the bundled seed script, in one step transaction: before it commits,
 * its own accounting must show exactly the rows the ledger records, the packet's 30, and the ledger's two
 * entries; a trigger's write anywhere, or rows the worker's role cannot see, roll it back.
 */
async function applyBundled(run: StepRun): Promise<Applied> {
  const { input, rolloutId } = run;
  const done = await stepTransaction(run, async (client) => {
    const earlier = await settled(client, run);
    if (earlier) return earlier;
    const { gap, own, conflict } = input.expected;
    await runScript(client, sql.settings, [input.apr, String(gap), String(own), String(conflict)]);
    await runScript(client, sql.guard);
    await runScript(client, sql.apply);
    const inserted =
      (await runScript<{ inserted: number }>(client, sql.claim, [rolloutId, input.apr])).rows[0]?.inserted ?? 0;
    return {
      result: { inserted, alreadyPresent: false },
      declared: [
        declare(OWNERSHIP, { insert: inserted }, 'the ledger records', {
          exactly: { insert: input.expected.seed_rows },
        }),
        ...ledgerEntries({ written: 1, done: 1 }),
      ],
      verify: verifySeed(input),
    };
  });
  return applied(run, done.result, { footprint: done.footprint, after: measured(done.after) });
}

function readScript(script: SeedScript): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(script.path);
  } catch {
    throw guardRefused(
      `seed script ${script.path} is not readable on the worker: the worker runs it from the path given at start`,
    );
  }
  const digest = bytesSha256(bytes);
  if (digest !== script.sha256) {
    throw guardRefused(
      `seed script ${script.path} changed since the rollout started (sha256 ${digest}, started with ` +
        `${script.sha256}): start a new rollout for the new file`,
    );
  }
  return script.path;
}

// psql's session ends with its process; a worker killed mid-run leaves an orphan that may still commit.
function applicationName(rolloutId: string): string {
  return `governed-rollout seed ${sha256(rolloutId).slice(0, 16)}`;
}

async function orphanRunning(client: PoolClient, name: string): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where application_name = $1 and datname = current_database() limit 1',
    [name],
  );
  return rows[0]?.pid ?? null;
}

/**
 * Production's own seed script, run whole by psql as the packet's channel runs it (its own BEGIN/COMMIT,
 * \gset, \if). Around it: the step recorded as started before, the rows it committed claimed for this
 * rollout after, both under the rollout lock, so a lost acknowledgement finds them as this rollout's.
 * Its COMMIT is its own, so its footprint is proven after the fact (./seedScript) and the numbers verified
 * after it: a write outside the footprint fails the step as WroteOutsideFootprint, numbers off as
 * VerificationFailed; either way the compensation undoes the rows the ledger claimed.
 */
async function applyScript(run: StepRun, seedScript: SeedScript): Promise<Applied> {
  const { input, rolloutId } = run;
  const path = readScript(seedScript);
  const name = applicationName(rolloutId);
  const before = await stepTransaction<{ settled: Seeded | null; counters: Record<string, string> | null }>(
    run,
    async (client) => {
      const pid = await orphanRunning(client, name);
      if (pid !== null)
        throw new Error(
          `an earlier attempt's psql (pid ${pid}) is still running the seed script: retrying when it ends`,
        );
      const earlier = await settled(client, run);
      if (earlier) return { ...earlier, result: { settled: earlier.result, counters: null } };
      const started = (await runScript(client, sql.started, [rolloutId])).rowCount ?? 0;
      return { result: { settled: null, counters: await tableWrites(client) }, declared: ledgerEntries({ started }) };
    },
  );
  if (before.result.settled)
    return applied(run, before.result.settled, { footprint: before.footprint, after: measured(before.after) });

  const options = '-c statement_timeout=10min -c lock_timeout=30s -c idle_in_transaction_session_timeout=60s';
  const ran = await runPsql(path, input.apr, psqlEnv(run.pool, name, options), poolWatch(run.pool));
  // Claimed whatever the outcome: a script that committed anything before failing is undone by the compensation.
  const claimed = await stepTransaction(run, async (client) => {
    await sessionGone(client, name);
    const now = await readStatus(client, run);
    const inserted = now.done
      ? now.done.inserted
      : ((await runScript<{ inserted: number }>(client, sql.claim, [rolloutId, input.apr])).rows[0]?.inserted ?? 0);
    const ownership: Declared = declare(OWNERSHIP, { insert: inserted }, 'the ledger records');
    const script = await proveScriptFootprint(client, rolloutId, [ownership], before.result.counters);
    return { result: { inserted, script }, declared: now.done ? [] : ledgerEntries({ written: 1, done: 1 }) };
  });
  const { inserted, script: proven } = claimed.result;
  if (ran.exitCode === 3) {
    throw guardRefused(
      `seed script ${seedScript.path} stopped with an error (${ran.error ?? 'psql exit 3'})` +
        (inserted ? `; ${inserted} row(s) it committed are recorded for the compensation` : ', nothing written'),
    );
  }
  if (ran.exitCode === 1) throw guardRefused(`psql could not run ${seedScript.path} (${ran.error ?? 'exit 1'})`);
  if (ran.exitCode !== 0)
    throw new Error(`psql lost its connection running the seed script (exit ${ran.exitCode}: ${ran.error ?? ''})`);
  if (proven.violations.length > 0) {
    throw new Refusal(
      'WroteOutsideFootprint',
      `seed script ${seedScript.path} committed writes outside the seed's footprint (rows carrying its ` +
        `transaction's id): ` +
        (`${proven.violations.join('; ')}; the ${inserted} seed row(s) the ledger records are compensated, the rest ` +
          `must be undone by hand`),
      proven.proof,
    );
  }
  const after = await withClient(run.pool, (client) => measureOn(client, input.apr));
  verifyAfter(run, after, seedMismatches(input.expected, after), true);
  return applied(
    run,
    { inserted, alreadyPresent: false },
    { footprint: mergeProofs(proven.proof, before.footprint, claimed.footprint), after },
  );
}

/** The seed's own preconditions and its change, as its apply would meet them (a finished seed is not redone). */
async function inspect(client: PoolClient, input: StepInput, m: Metrics) {
  const { expected: e, apr } = input;
  const present = (await one<{ present: number }>(client, 'seed/status.sql', ['', apr]))?.present ?? 0;
  const script = input.seedScript
    ? `the operator's seed script ${input.seedScript.path} (sha256 ${input.seedScript.sha256})`
    : 'the bundled seed script';
  if (present > 0) {
    const same = present === e.seed_rows;
    return {
      checks: [
        check(
          'seed rows',
          same,
          `${e.seed_rows} already present, or none`,
          `${present} present for ${apr}`,
          same ? 'the seed ran before: it would write nothing' : 'refused: rows it did not write as a whole',
        ),
      ],
      changes: [
        {
          step: 'seed' as const,
          automated: true,
          summary: same
            ? `nothing: the ${present} governance_object_ownership rows for ${apr} are already there`
            : 'nothing: refused',
        },
      ],
    };
  }
  const seeded = e.own + e.seed_rows;
  return {
    checks: [
      check('gap', m.gap === e.gap, e.gap, m.gap, 'v_object_owner_gap'),
      check('own', m.own === e.own, e.own, m.own, 'governance_object_ownership'),
      check('conflict', m.conflict === e.conflict, e.conflict, m.conflict, 'v_object_owner_conflict'),
    ],
    changes: [
      {
        step: 'seed' as const,
        automated: true,
        summary:
          `${script}: insert ${e.seed_rows} governance_object_ownership rows (created_by=F6_OWNERSHIP_SEED_COMMIT, ` +
          `ratified_apr=${apr}): ` +
          `own ${m.own}->${seeded}, gap ${m.gap}->0, conflict ${m.conflict}, gov_emit ${m.gov_emit} unchanged; ` +
          `then ${seeded} direct + ${e.gap} inherited, coverage 100%`,
      },
    ],
  };
}

const REVERT = sqlFile('seed/revert.sql');

export const seed: Step = {
  name: 'seed',
  manifest: (input) =>
    input.seedScript
      ? [
          sql.status,
          sql.counters,
          sql.started,
          scriptRef(input.seedScript),
          sql.claim,
          sql.xids,
          sql.committed,
          FOOTPRINT_SQL,
          MEASURE_SQL,
        ]
      : [sql.status, sql.settings, sql.guard, sql.apply, sql.claim, FOOTPRINT_SQL, MEASURE_SQL],
  revertManifest: [REVERT, sqlFile('seed/remains.sql')],
  inspect,
  apply: (run) => (run.input.seedScript ? applyScript(run, run.input.seedScript) : applyBundled(run)),
  revert: (run) => revertMarked(run, 'seed', REVERT),
  remains: sqlFile('seed/remains.sql'),
};
