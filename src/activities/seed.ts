import { readFileSync } from 'node:fs';
import type { Pool, PoolClient } from '../db/pool';
import { poolWatch, runScript, withTransaction } from '../db/pool';
import { bytesSha256, executed, SEED_SCRIPT, sha256, sqlFile, sqlSection, type Executed, type SqlScript } from '../db/sql';
import type { SeedScript } from '../shared/input';
import { guardRefused } from './failures';
import { withHeartbeat } from './heartbeat';
import { takeRolloutLock } from './lock';
import { psqlEnv, runPsql } from './psql';
import { revertMarked } from './revert';
import type { RevertResult, RolloutRef, SeedInput, SeedResult } from './types';

interface SeedStatus {
  done: { inserted: number; alreadyPresent: boolean } | null;
  started: boolean;
  present: number;
  unclaimed: number;
}

const lock = () => sqlFile('lock.sql');
const status = () => sqlFile('seed/status.sql');
const claim = () => sqlFile('seed/claim.sql');

async function readStatus(client: PoolClient, input: SeedInput): Promise<SeedStatus> {
  const row = (await runScript<SeedStatus>(client, status(), [input.rolloutId, input.apr])).rows[0];
  if (!row) throw new Error('seed/status.sql returned no row');
  return row;
}

/**
 * What the ledger already says: the step done (a retry after a lost acknowledgement), or the seed rows
 * of this APR already there, written by an earlier rollout or by hand: not this rollout's, so it records
 * that it wrote nothing and leaves them alone. Rows its own script committed (started, unclaimed) are
 * claimed by the caller.
 */
async function settled(client: PoolClient, input: SeedInput, ran: SqlScript[]): Promise<SeedResult | null> {
  const now = await readStatus(client, input);
  if (now.done) return { inserted: now.done.inserted, alreadyPresent: now.done.alreadyPresent, ...executed(ran) };
  if (now.started && now.unclaimed > 0) {
    // This rollout's script committed, then its acknowledgement was lost: the rows are this rollout's.
    const inserted = (await runScript<{ inserted: number }>(client, claim(), [input.rolloutId, input.apr])).rows[0]?.inserted ?? 0;
    return { inserted, alreadyPresent: false, ...executed([...ran, claim()]) };
  }
  if (now.present === 0) return null;
  if (now.present !== input.expected.seed_rows) {
    throw guardRefused(
      `governance_object_ownership holds ${now.present} seed rows for ${input.apr}, not ${input.expected.seed_rows}: refusing to touch rows this rollout did not write`,
    );
  }
  await runScript(client, sqlFile('ledger/done.sql'), [input.rolloutId, 'seed', JSON.stringify({ inserted: 0, alreadyPresent: true })]);
  return { inserted: 0, alreadyPresent: true, ...executed(ran) };
}

/**
 * Phase 1: the guard and apply sections of the bundled seed script, in one transaction under the
 * rollout lock, with the ledger's record of the rows in the same transaction.
 */
async function applyBundledSeed(pool: Pool, input: SeedInput): Promise<SeedResult> {
  const settings = sqlFile('seed/settings.sql');
  const guard = sqlSection(SEED_SCRIPT, 'guard');
  const apply = sqlSection(SEED_SCRIPT, 'apply');
  return withTransaction(pool, async (client) => {
    await takeRolloutLock(client);
    const earlier = await settled(client, input, [lock(), status()]);
    if (earlier) return earlier;
    const { gap, own, conflict } = input.expected;
    await runScript(client, settings, [input.apr, String(gap), String(own), String(conflict)]);
    await runScript(client, guard);
    await runScript(client, apply);
    const inserted = (await runScript<{ inserted: number }>(client, claim(), [input.rolloutId, input.apr])).rows[0]?.inserted ?? 0;
    return { inserted, alreadyPresent: false, ...executed([lock(), status(), settings, guard, apply, claim()]) };
  });
}

function readSeedScript(script: SeedScript): SqlScript {
  let bytes: Buffer;
  try {
    bytes = readFileSync(script.path);
  } catch {
    throw guardRefused(`seed script ${script.path} is not readable on the worker: the worker runs it from the path given at start`);
  }
  const digest = bytesSha256(bytes);
  if (digest !== script.sha256) {
    throw guardRefused(`seed script ${script.path} changed since the rollout started (sha256 ${digest}, started with ${script.sha256}): start a new rollout for the new file`);
  }
  return { name: script.path, text: bytes.toString('utf8'), statements: [], sha256: digest };
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
 */
async function applySeedScript(pool: Pool, input: SeedInput, seedScript: SeedScript): Promise<SeedResult> {
  const script = readSeedScript(seedScript);
  const name = applicationName(input.rolloutId);
  const started = sqlFile('seed/started.sql');
  const before = await withTransaction(pool, async (client) => {
    await takeRolloutLock(client);
    const pid = await orphanRunning(client, name);
    if (pid !== null) throw new Error(`an earlier attempt's psql (pid ${pid}) is still running the seed script: retrying when it ends`);
    const earlier = await settled(client, input, [lock(), status()]);
    if (earlier) return earlier;
    await runScript(client, started, [input.rolloutId]);
    return null;
  });
  if (before) return before;

  const options = '-c statement_timeout=10min -c lock_timeout=30s -c idle_in_transaction_session_timeout=60s';
  const run = await runPsql(script.name, input.apr, psqlEnv(pool, name, options), poolWatch(pool));
  // Claimed whatever the outcome: a script that committed anything before failing is undone by the compensation.
  const inserted = await withTransaction(pool, async (client) => {
    await takeRolloutLock(client);
    const now = await readStatus(client, input);
    if (now.done) return now.done.inserted;
    return (await runScript<{ inserted: number }>(client, claim(), [input.rolloutId, input.apr])).rows[0]?.inserted ?? 0;
  });
  const ran: Executed = executed([lock(), status(), started, script, claim()]);
  if (run.exitCode === 3) {
    throw guardRefused(`seed script ${seedScript.path} stopped with an error (${run.error ?? 'psql exit 3'})${inserted ? `; ${inserted} row(s) it committed are recorded for the compensation` : ', nothing written'}`);
  }
  if (run.exitCode === 1) throw guardRefused(`psql could not run ${seedScript.path} (${run.error ?? 'exit 1'})`);
  if (run.exitCode !== 0) throw new Error(`psql lost its connection running the seed script (exit ${run.exitCode}: ${run.error ?? ''})`);
  return { inserted, alreadyPresent: false, ...ran };
}

export async function applySeed(pool: Pool, input: SeedInput): Promise<SeedResult> {
  return withHeartbeat(() => (input.seedScript ? applySeedScript(pool, input, input.seedScript) : applyBundledSeed(pool, input)));
}

/** The packet's rollback, for the rows the ledger records as this rollout's: harmless when it wrote none. */
export async function revertSeed(pool: Pool, input: RolloutRef): Promise<RevertResult> {
  return revertMarked(pool, 'seed', 'seed/revert.sql', input.rolloutId);
}
