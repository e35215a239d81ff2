import { runScript, withTransaction, type Pool } from './pool';
import { sqlFile } from './sql';

/**
 * Installs (or confirms) the rollout's ledger, the schema governed_rollout, in one transaction. Run once
 * by the database owner; every statement is idempotent, so running it again changes nothing.
 */
export async function installLedger(pool: Pool): Promise<{ version: number }> {
  return withTransaction(pool, async (client) => {
    await client.query(sqlFile('ledger/install.sql').text);
    const version = (await runScript<{ version: number | null }>(client, sqlFile('ledger/version.sql'))).rows[0]
      ?.version;
    if (!version) throw new Error('ledger/install.sql left no version');
    return { version };
  });
}

/** The owner's rule that rollouts on this target require a completed clone rehearsal (null lifts it). */
export async function setRehearsalRule(pool: Pool, rule: { maxAgeDays: number } | null): Promise<void> {
  await withTransaction(pool, (client) =>
    runScript(client, sqlFile('ledger/policy_set.sql'), [rule === null ? null : JSON.stringify(rule)]),
  );
}
