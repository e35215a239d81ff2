import type { Pool } from '../db/pool';
import { runScript, withTransaction } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { guardRefused } from './failures';
import { withHeartbeat } from './heartbeat';
import { takeRolloutLock } from './lock';
import { revertMarked } from './revert';
import { snapshotProblem } from './snapshot';
import type { RevertResult, RolloutRef, ScanApplyInput, ScanResult } from './types';

interface Counts {
  states: number;
  objects: number;
}

/**
 * Phase 2: seed the ruleset, then the scanner's write-half, as natural-key upserts in one
 * transaction. Writes candidate_state, candidate_object, candidate_scan_run and (when new)
 * governance_ruleset only: never system_issues or event_outbox. Each statement records the ids it
 * inserted in the ledger itself, so the ledger costs no round trip.
 */
export async function applyScan(pool: Pool, input: ScanApplyInput): Promise<ScanResult> {
  const { ruleset, rolloutId, snapshotRef } = input;
  const scripts = {
    lock: sqlFile('lock.sql'),
    status: sqlFile('scan/status.sql'),
    expect: sqlFile('scan/expect.sql'),
    ruleset: sqlFile('scan/ruleset_apply.sql'),
    states: sqlFile('scan/apply_states.sql'),
    objects: sqlFile('scan/apply_objects.sql'),
    run: sqlFile('scan/run_apply.sql'),
    verify: sqlFile('scan/verify.sql'),
  };
  return withHeartbeat(() =>
    withTransaction(pool, async (client) => {
      await takeRolloutLock(client);
      const expected = (await runScript<Counts>(client, scripts.expect, [ruleset.domains])).rows[0] ?? { states: 0, objects: 0 };
      const verify = async (rulesetId: number) => (await runScript<Counts>(client, scripts.verify, [rulesetId])).rows[0] ?? { states: 0, objects: 0 };

      const done = (await runScript<{ result: { scanRunId: number; rulesetId: number; statesInserted: number; objectsInserted: number } }>(
        client, scripts.status, [rolloutId],
      )).rows[0]?.result;
      if (done) {
        return {
          rulesetId: done.rulesetId, rulesetCreated: false, scanRunId: done.scanRunId, alreadyApplied: true,
          statesInserted: done.statesInserted, objectsInserted: done.objectsInserted,
          expectedStates: expected.states, expectedObjects: expected.objects, ...(await verify(done.rulesetId)),
          ...executed([scripts.lock, scripts.expect, scripts.status, scripts.verify]),
        };
      }

      const problem = await snapshotProblem(client, snapshotRef);
      if (problem) throw guardRefused(problem);
      if (expected.states !== ruleset.domains.length) {
        throw guardRefused(
          `ruleset ${ruleset.code} v${ruleset.version} names ${ruleset.domains.length} domains, the inventory holds ${expected.states} of them`,
        );
      }
      const seeded = (await runScript<{ ruleset_id: string; same_definition: boolean; created: boolean }>(client, scripts.ruleset, [
        ruleset.code, ruleset.version, JSON.stringify(ruleset), rolloutId,
      ])).rows[0];
      if (!seeded) throw new Error('scan/ruleset_apply.sql returned no row');
      if (!seeded.same_definition) {
        throw guardRefused(`ruleset ${ruleset.code} v${ruleset.version} exists with a different definition: publish a new version`);
      }
      const rulesetId = Number(seeded.ruleset_id);
      type Inserted = { inserted: number };
      const states = await runScript<Inserted>(client, scripts.states, [rulesetId, ruleset.domains, ruleset.state, rolloutId]);
      const objects = await runScript<Inserted>(client, scripts.objects, [rulesetId, rolloutId]);
      const statesInserted = states.rows[0]?.inserted ?? 0;
      const objectsInserted = objects.rows[0]?.inserted ?? 0;
      const run = (await runScript<{ scan_run_id: string }>(client, scripts.run, [
        rulesetId, snapshotRef, rolloutId, statesInserted, objectsInserted,
      ])).rows[0];
      return {
        rulesetId, rulesetCreated: seeded.created, scanRunId: Number(run?.scan_run_id), alreadyApplied: false,
        statesInserted, objectsInserted, expectedStates: expected.states, expectedObjects: expected.objects,
        ...(await verify(rulesetId)),
        ...executed([
          scripts.lock, scripts.expect, scripts.status, sqlFile('snapshot/read.sql'), sqlFile('snapshot/inventory.sql'),
          scripts.ruleset, scripts.states, scripts.objects, scripts.run, scripts.verify,
        ]),
      };
    }),
  );
}

/** FK-ordered DELETEs of the rows the ledger records as this rollout's; harmless when it wrote none. */
export async function revertScan(pool: Pool, input: RolloutRef): Promise<RevertResult> {
  return revertMarked(pool, 'scan', 'scan/revert.sql', input.rolloutId);
}
