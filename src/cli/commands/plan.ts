import type { Command } from 'commander';
import { requireDatabaseUrl, targetOf } from '../../config';
import { formatPlan } from '../../plan/format';
import { planRollout, readOnlyPool } from '../../plan/plan';
import { RolloutInput } from '../../shared';
import { config, print } from '../context';
import { action } from '../errors';
import { startInput } from '../options';

interface PlanOptions {
  apr: string;
  scan?: boolean;
  ruleset?: string;
  snapshotRef?: string;
  expected?: string;
  json?: boolean;
}

/** The exit code of a NO-GO: not 1, which means the plan itself could not be made. */
export const NO_GO_EXIT = 2;

export function register(program: Command): void {
  program
    .command('plan')
    .description('dry run against DATABASE_URL, writing nothing: GO / NO-GO per precondition, what each step would change')
    .requiredOption('--apr <code>', 'the APR code the rollout would be ratified by, e.g. APR-BOOT-AUTHMODEL-1')
    .option('--scan', 'also check Phase 2 (ruleset, snapshot ref, scan cursor)')
    .option('--ruleset <file>', 'the ruleset JSON document for --scan')
    .option('--snapshot-ref <ref>', 'the source snapshot ref for --scan (from rollout snapshot create)')
    .option('--expected <file>', 'the baseline numbers of a scaled fixture, as for rollout start (default: the packet\'s)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  rollout plan --apr APR-BOOT-AUTHMODEL-1 --scan --ruleset examples/ruleset.clone.json --snapshot-ref SNAP-20261124T101500Z-1a2b3c4d\n\n' +
        'Exit 0 for GO, 2 for NO-GO, 1 when the plan could not be made. The verdict is alone on the last line.\n' +
        'Every transaction is READ ONLY (default_transaction_read_only=on): PostgreSQL refuses any write.',
    )
    .action(
      action(async (opts: PlanOptions) => {
        const cfg = config();
        // startInput validates exactly as `start` does; parsing again gives the defaults their types.
        const input = RolloutInput.parse(startInput(opts, targetOf(cfg)));
        const pool = readOnlyPool(requireDatabaseUrl(cfg));
        try {
          const plan = await planRollout(pool, input);
          print(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
          if (plan.verdict !== 'GO') process.exitCode = NO_GO_EXIT;
        } finally {
          await pool.end();
        }
      }),
    );
}
