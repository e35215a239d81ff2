import { withFootprint, type Unproven } from '../db/footprint';
import type { Pool } from '../db/pool';
import { runScript } from '../db/pool';
import { executed, sqlFile } from '../db/sql';
import { declare } from '../shared/footprint';
import { ledgerEntries } from './footprints';
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
 * inserted in the ledger itself, so the ledger costs no round trip. Before the transaction commits, its
 * own accounting must show exactly the rows the ledger records, within the packet's bounds, and nothing
 * else anywhere (a trigger filing system_issues per candidate rolls the whole scan back).
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
    withFootprint<Unproven<ScanResult>>(pool, async (client) => {
      await takeRolloutLock(client);
      const expected = (await runScript<Counts>(client, scripts.expect, [ruleset.domains])).rows[0] ?? { states: 0, objects: 0 };
      const verify = async (rulesetId: number) => (await runScript<Counts>(client, scripts.verify, [rulesetId])).rows[0] ?? { states: 0, objects: 0 };

      const done = (await runScript<{ result: { scanRunId: number; rulesetId: number; statesInserted: number; objectsInserted: number } }>(
        client, scripts.status, [rolloutId],
      )).rows[0]?.result;
      if (done) {
        return {
          result: {
            rulesetId: done.rulesetId, rulesetCreated: false, scanRunId: done.scanRunId, alreadyApplied: true,
            statesInserted: done.statesInserted, objectsInserted: done.objectsInserted,
            expectedStates: expected.states, expectedObjects: expected.objects, ...(await verify(done.rulesetId)),
            ...executed([scripts.lock, scripts.expect, scripts.status, scripts.verify]),
          },
          declared: [],
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
      const ledger = 'the ledger records';
      return {
        result: {
          rulesetId, rulesetCreated: seeded.created, scanRunId: Number(run?.scan_run_id), alreadyApplied: false,
          statesInserted, objectsInserted, expectedStates: expected.states, expectedObjects: expected.objects,
          ...(await verify(rulesetId)),
          ...executed([
            scripts.lock, scripts.expect, scripts.status, sqlFile('snapshot/read.sql'), sqlFile('snapshot/inventory.sql'),
            scripts.ruleset, scripts.states, scripts.objects, scripts.run, scripts.verify, sqlFile('footprint/transaction.sql'),
          ]),
        },
        declared: [
          declare('governance_ruleset', { insert: seeded.created ? 1 : 0 }, ledger, { atMost: { insert: 1 } }),
          declare('candidate_state', { insert: statesInserted }, ledger, { atMost: { insert: expected.states } }),
          declare('candidate_object', { insert: objectsInserted }, ledger, { atMost: { insert: expected.objects } }),
          declare('candidate_scan_run', { insert: run ? 1 : 0 }, ledger, { exactly: { insert: 1 } }),
          ...ledgerEntries({ written: (seeded.created ? 1 : 0) + 3, done: run ? 1 : 0 }),
        ],
      };
    }),
  );
}

/** FK-ordered DELETEs of the rows the ledger records as this rollout's; harmless when it wrote none. */
export async function revertScan(pool: Pool, input: RolloutRef): Promise<RevertResult> {
  return revertMarked(pool, 'scan', 'scan/revert.sql', input.rolloutId);
}
