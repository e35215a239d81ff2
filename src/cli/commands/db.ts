import type { Command } from 'commander';
import { CLONE_DOMAINS, scaledFixture } from '../../fixture/scale';
import type { InitOptions } from '../actions/db';
import { CliError, action } from '../errors';

// A million domains is seven million governed objects: far past anything the benchmark runs.
const MAX_DOMAINS = 1_000_000;

function domainsOf(scale: string | undefined): number {
  if (scale === undefined) return CLONE_DOMAINS;
  const domains = /^\d+$/.test(scale) ? Number(scale) : NaN;
  if (!Number.isSafeInteger(domains) || domains < 1 || domains > MAX_DOMAINS) {
    throw new CliError(`--scale ${JSON.stringify(scale)}: the number of governance domains, 1 to ${MAX_DOMAINS}`);
  }
  return domains;
}

export function register(program: Command): void {
  const db = program
    .command('db')
    .description("the rollout's ledger on a target, and the clone fixture")
    .addHelpText(
      'after',
      '\nExamples:\n  DATABASE_URL=postgresql://owner@db:5432/directus rollout db install\n  ' +
        'DATABASE_URL=postgresql://postgres@localhost:5432/clone rollout db init',
    );
  db.command('install')
    .description(
      "install the rollout's ledger (schema governed_rollout) into DATABASE_URL, as the database owner; idempotent",
    )
    .addHelpText(
      'after',
      '\nRun once per target database, before `rollout plan`. It creates only the schema governed_rollout and its\n' +
        'tables (sql/ledger/install.sql); no governance table is touched. Running it again changes nothing.\n\n' +
        'Example:\n  DATABASE_URL=postgresql://owner@db:5432/directus rollout db install',
    )
    .action(
      action(async () => {
        await (await import('../actions/db.js')).install();
      }),
    );
  db.command('require-rehearsal')
    .description(
      'as the owner of a production target: every rollout here must carry the evidence of a completed clone rehearsal',
    )
    .option('--max-age-days <days>', 'the oldest a rehearsal may be', '14')
    .option('--off', 'lift the rule')
    .addHelpText(
      'after',
      "\nThe rule lives in the target's ledger (governed_rollout.policy); the worker only reads it. With it set, " +
        'the preflight\n' +
        ('refuses (FAILED, nothing written) and `rollout plan` says NO-GO unless `rollout start --rehearsal FILE` ' +
          'carries the\n') +
        ('sealed evidence of a COMPLETED rehearsal of the same seed/scan/cursor SQL, contract and expected ' +
          'numbers.\n\n') +
        'Example:\n  DATABASE_URL=postgresql://owner@db:5432/directus rollout db require-rehearsal --max-age-days 7',
    )
    .action(
      action(async (opts: { maxAgeDays: string; off?: boolean }) => {
        const days = /^\d{1,4}$/.test(opts.maxAgeDays) ? Number(opts.maxAgeDays) : NaN;
        if (!(days >= 1 && days <= 3650))
          throw new CliError(`--max-age-days ${JSON.stringify(opts.maxAgeDays)}: a whole number of days, 1 to 3650`);
        await (await import('../actions/db.js')).requireRehearsal(days, Boolean(opts.off));
      }),
    );
  db.command('init')
    .description(
      'load the clone fixture (schema, baseline data and the ledger) into DATABASE_URL; refuses a non-empty database',
    )
    .option('--reset', 'rebuild a database this command built before')
    .option('--scale <domains>', `governance domains of 7 objects each (the clone has ${CLONE_DOMAINS})`)
    .option('--write-ruleset <file>', "write the fixture's ruleset JSON (for rollout start --ruleset)")
    .option('--write-expected <file>', "write the fixture's expected numbers (for rollout start --expected)")
    .option('--json', 'print JSON: the fixture, its measured numbers and its expected ones')
    .addHelpText(
      'after',
      '\nExamples:\n  DATABASE_URL=postgresql://postgres@localhost:5432/clone rollout db init --reset\n' +
        ('  DATABASE_URL=postgresql://postgres@localhost:5432/big rollout db init --scale 14290 --write-ruleset ' +
          'ruleset.json --write-expected expected.json'),
    )
    .action(
      action(async (opts: InitOptions) => {
        // Validated and computed before the database is touched: a bad option loads nothing.
        const fixture = scaledFixture(domainsOf(opts.scale));
        await (await import('../actions/db.js')).init(fixture, opts);
      }),
    );
}
