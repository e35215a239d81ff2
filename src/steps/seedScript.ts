// Production's own seed script commits by itself (its own BEGIN/COMMIT), outside the worker's
// transaction: its footprint can only be proven after the fact, as far as PostgreSQL keeps a trace.
// What this covers and what it cannot is written in docs/CONTRACT.md ("production's own script").
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient } from '../db/pool';
import { runScript } from '../db/pool';
import { sqlFile } from '../db/sql';
import { footprintViolations, type Declared, type FootprintProof, type Written } from '../shared/footprint';

/** Every user table's cumulative write counter (all sessions), by oid. */
export async function tableWrites(client: PoolClient): Promise<Record<string, string>> {
  const { rows } = await runScript<{ relid: string; writes: string }>(client, sqlFile('footprint/counters.sql'));
  return Object.fromEntries(rows.map((r) => [r.relid, r.writes]));
}

/**
 * A session's counters reach the shared statistics when it ends: psql's backend may outlive the psql
 * process by a moment. Waits (bounded) until no session of that application name is left.
 */
export async function sessionGone(client: PoolClient, applicationName: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()',
      [applicationName],
    );
    if ((rows[0]?.n ?? 0) === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

export interface ScriptFootprint {
  proof: FootprintProof;
  violations: string[];
}

/**
 * The script's transaction(s), known by the xmin of the seed rows the ledger records, and every row
 * carrying them in the relations it can have written: the declared ones, and every table whose write
 * counters moved while it ran (all of them, when the counters before are unknown: a retry after a lost
 * acknowledgement). Deletions leave no row to find: the rehearsal covers them.
 */
export async function proveScriptFootprint(
  client: PoolClient,
  rolloutId: string,
  declared: Declared[],
  before: Record<string, string> | null,
): Promise<ScriptFootprint> {
  const xids =
    (await runScript<{ xids: string[] }>(client, sqlFile('seed/script_xids.sql'), [rolloutId])).rows[0]?.xids ?? [];
  const after = await tableWrites(client);
  const moved = Object.keys(after).filter((relid) => before === null || before[relid] !== after[relid]);
  const found =
    xids.length === 0
      ? []
      : (
          await runScript<{ relation: string; rows: number | null }>(client, sqlFile('footprint/committed.sql'), [
            declared.map((d) => d.relation),
            moved,
            xids,
          ])
        ).rows;
  const measured: Written[] = found
    .filter((r) => (r.rows ?? 0) > 0)
    .map((r) => ({ relation: r.relation, insert: r.rows ?? 0, update: 0, delete: 0 }));
  const unprovable = found.filter((r) => r.rows === null).map((r) => r.relation);
  const proof: FootprintProof = {
    declared,
    measured,
    method: 'committed',
    ...(unprovable.length ? { unprovable } : {}),
  };
  return { proof, violations: footprintViolations(proof) };
}
