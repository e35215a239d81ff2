import type { Command } from 'commander';
import type { PlanOptions } from '../actions/plan';
import { action } from '../errors';
import { startFlags } from '../options';

export function register(program: Command): void {
  program
    .command('plan')
    .description(
      'dry run against DATABASE_URL, writing nothing: GO / NO-GO per precondition, what each step would change',
    )
    .requiredOption('--apr <code>', 'the APR code the rollout would be ratified by, e.g. APR-BOOT-AUTHMODEL-1')
    .option('--scan', 'also check Phase 2 (ruleset, snapshot ref, scan cursor)')
    .option('--ruleset <file>', 'the ruleset JSON document for --scan')
    .option('--snapshot-ref <ref>', 'the source snapshot ref for --scan (from rollout snapshot create)')
    .option(
      '--expected <file>',
      "the baseline numbers of a scaled fixture, as for rollout start (default: the packet's)",
    )
    .option(
      '--seed-sql <file>',
      "production's own seed script, as for rollout start (its sha256 is shown; it is not dry-run)",
    )
    .option('--rehearsal <file>', "the clone rehearsal's sealed evidence, as for rollout start")
    .option(
      '--worker-role <role>',
      "check the privileges of the worker's role (e.g. rollout_worker) instead of the connected one",
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  rollout plan --apr APR-BOOT-AUTHMODEL-1 --scan --ruleset examples/ruleset.clone.json ' +
        '--snapshot-ref SNAP-20261124T101500Z-1a2b3c4d\n\n' +
        ('Checks the contract (docs/CONTRACT.md) against the live catalog first: every missing or different ' +
          'object is ' +
          'a NO-GO line.\n') +
        ('The verdict is alone on the last line. Every transaction is READ ONLY (default_transaction_read_only=on): ' +
          'PostgreSQL refuses any write.'),
    )
    .action(
      action(async (opts: PlanOptions) => {
        const flags = startFlags(opts);
        await (await import('../actions/plan.js')).plan(flags, opts);
      }),
    );
}
