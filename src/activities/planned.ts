// What the rollout's code runs for each step, by digest, whatever path a run takes through it: the
// evidence records these, and a production run requires its rehearsal to have run the very same.
import { CONTRACT } from '../contract/contract';
import { executed, SEED_SCRIPT, sha256, sqlFile, sqlSection } from '../db/sql';
import { canonical } from '../evidence/seal';
import type { PlannedSql } from '../evidence/packet';
import type { RolloutInput } from '../shared/input';

const digest = (names: string[]) => executed(names.map((n) => (n.includes('#') ? sqlSection(SEED_SCRIPT, n.split('#')[1] ?? '') : sqlFile(n)))).sqlSha256;

const FOOTPRINT = 'footprint/transaction.sql';

export function plannedSql(input: Pick<RolloutInput, 'scan' | 'seedScript'>): PlannedSql {
  return {
    contract: sha256(canonical(CONTRACT)),
    seed: input.seedScript
      ? input.seedScript.sha256
      : digest(['seed/status.sql', 'seed/settings.sql', `${SEED_SCRIPT}#guard`, `${SEED_SCRIPT}#apply`, 'seed/claim.sql', FOOTPRINT]),
    scan: input.scan
      ? digest([
          'scan/expect.sql', 'scan/status.sql', 'snapshot/read.sql', 'snapshot/inventory.sql', 'scan/ruleset_apply.sql',
          'scan/apply_states.sql', 'scan/apply_objects.sql', 'scan/run_apply.sql', 'scan/verify.sql', FOOTPRINT,
        ])
      : null,
    cursor: input.scan ? digest(['ledger/step.sql', 'cursor/apply.sql', 'ledger/done.sql', FOOTPRINT]) : null,
    compensation: digest([
      'ledger/bind.sql', 'seed/revert.sql', 'seed/remains.sql', 'scan/revert.sql', 'scan/remains.sql', 'cursor/revert.sql',
      'cursor/remains.sql', 'ledger/reverted.sql', FOOTPRINT,
    ]),
  };
}
