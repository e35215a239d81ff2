import type { Pool } from '../db/pool';
import { runScript, withTransaction } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { guardRefused } from './failures';
import { withHeartbeat } from './heartbeat';
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
 * governance_ruleset only: never system_issues or event_outbox.
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
      await runScript(client, scripts.lock);
      const expected = (await runScript<Counts>(client, scripts.expect, [ruleset.domains])).rows[0] ?? { states: 0, objects: 0 };
      const verify = async (rulesetId: number) => (await runScript<Counts>(client, scripts.verify, [rulesetId])).rows[0] ?? { states: 0, objects: 0 };

      const done = (await runScript<{ scan_run_id: string; ruleset_id: string; states_inserted: number; objects_inserted: number }>(
        client, scripts.status, [rolloutId, ruleset.code, ruleset.version],
      )).rows[0];
      if (done) {
        const rulesetId = Number(done.ruleset_id);
        return {
          rulesetId, rulesetCreated: false, scanRunId: Number(done.scan_run_id), alreadyApplied: true,
          statesInserted: done.states_inserted, objectsInserted: done.objects_inserted,
          expectedStates: expected.states, expectedObjects: expected.objects, ...(await verify(rulesetId)),
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
      const states = await runScript(client, scripts.states, [rulesetId, ruleset.domains, ruleset.state, rolloutId]);
      const objects = await runScript(client, scripts.objects, [rulesetId, rolloutId]);
      const statesInserted = states.rowCount ?? 0;
      const objectsInserted = objects.rowCount ?? 0;
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

/** FK-ordered DELETEs of the rows this rollout marked; harmless when it wrote none. */
export async function revertScan(pool: Pool, input: RolloutRef): Promise<RevertResult> {
  return revertMarked(pool, 'scan/revert.sql', input.rolloutId);
}
