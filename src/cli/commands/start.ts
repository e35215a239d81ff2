import type { Command } from 'commander';
import { workflowIdArg } from '../args';
import { action } from '../errors';
import { startFlags, type StartOptions } from '../options';

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'start a rollout: it waits at the gate, writing nothing, until people ratify the APR and someone signals ' +
        'gate-open',
    )
    .requiredOption('--apr <code>', 'the APR code the rollout is ratified by, e.g. APR-BOOT-AUTHMODEL-1')
    .option('--scan', 'also run Phase 2 (ruleset seed, scanner write-half) and advance the scan cursor')
    .option('--ruleset <file>', 'the ruleset JSON document for --scan')
    .option('--snapshot-ref <ref>', 'the source snapshot ref for --scan (from rollout snapshot create)')
    .option('--id <id>', 'workflow id (default: derived from the target, so one rollout per target runs at a time)')
    .option(
      '--gate-timeout <duration>',
      'end EXPIRED, having written nothing, if the gate is not accepted in time (e.g. 7d)',
    )
    .option('--json', 'print JSON: the workflow id, target and APR')
    .option(
      '--expected <file>',
      "the guards' baseline numbers as JSON (default: the clone's; rollout db init --scale N --write-expected FILE " +
        'writes them)',
    )
    .option(
      '--seed-sql <file>',
      "production's own commit_ready_f6_ownership_seed.sql, run unmodified by psql -v ratified_apr=APR on the " +
        'worker (default: the bundled one)',
    )
    .option(
      '--rehearsal <file>',
      "the clone rehearsal's sealed evidence (rollout report ID --format evidence), for a target that requires one",
    )
    .addHelpText(
      'after',
      '\nExample:\n  rollout start --apr APR-BOOT-AUTHMODEL-1 --scan --ruleset examples/ruleset.clone.json ' +
        '--snapshot-ref SNAP-20261124T101500Z-1a2b3c4d\n\nPrints the workflow id alone on the last line.',
    )
    .action(
      action(async (opts: StartOptions & { json?: boolean }) => {
        const flags = startFlags(opts);
        const id = opts.id ? workflowIdArg(opts.id) : undefined;
        await (await import('../actions/start.js')).start(flags, { id, json: opts.json });
      }),
    );
}
