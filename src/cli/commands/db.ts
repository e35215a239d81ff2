import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { measure } from '../../activities/gate';
import { installLedger } from '../../db/ledger';
import { initFixture } from '../../fixture/init';
import { CLONE_DOMAINS, scaledFixture } from '../../fixture/scale';
import { print, withDatabase } from '../context';
import { CliError, action } from '../errors';
import { formatMetrics } from '../../format/progress';

interface InitOptions {
  reset?: boolean;
  scale?: string;
  writeRuleset?: string;
  writeExpected?: string;
  json?: boolean;
}

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

function writeJson(file: string, value: unknown): void {
  try {
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  } catch {
    throw new CliError(`cannot write ${file}`);
  }
}

export function register(program: Command): void {
  const db = program
    .command('db')
    .description("the rollout's ledger on a target, and the clone fixture")
    .addHelpText('after', '\nExamples:\n  DATABASE_URL=postgresql://owner@db:5432/directus rollout db install\n  DATABASE_URL=postgresql://postgres@localhost:5432/clone rollout db init');
  db.command('install')
    .description("install the rollout's ledger (schema governed_rollout) into DATABASE_URL, as the database owner; idempotent")
    .addHelpText(
      'after',
      '\nRun once per target database, before `rollout plan`. It creates only the schema governed_rollout and its\n' +
        'tables (sql/ledger/install.sql); no governance table is touched. Running it again changes nothing.\n\n' +
        'Example:\n  DATABASE_URL=postgresql://owner@db:5432/directus rollout db install',
    )
    .action(
      action(async () => {
        await withDatabase(async (pool) => {
          const { version } = await installLedger(pool);
          print(`ledger installed: schema governed_rollout, version ${version} (sql/ledger/install.sql); next: rollout plan`);
        });
      }),
    );
  db.command('init')
    .description('load the clone fixture (schema, baseline data and the ledger) into DATABASE_URL; refuses a non-empty database')
    .option('--reset', 'rebuild a database this command built before')
    .option('--scale <domains>', `governance domains of 7 objects each (the clone has ${CLONE_DOMAINS})`)
    .option('--write-ruleset <file>', "write the fixture's ruleset JSON (for rollout start --ruleset)")
    .option('--write-expected <file>', "write the fixture's expected numbers (for rollout start --expected)")
    .option('--json', 'print JSON: the fixture, its measured numbers and its expected ones')
    .addHelpText(
      'after',
      '\nExamples:\n  DATABASE_URL=postgresql://postgres@localhost:5432/clone rollout db init --reset\n' +
        '  DATABASE_URL=postgresql://postgres@localhost:5432/big rollout db init --scale 14290 --write-ruleset ruleset.json --write-expected expected.json',
    )
    .action(
      action(async (opts: InitOptions) => {
        // Validated and computed before the database is touched: a bad option loads nothing.
        const fixture = scaledFixture(domainsOf(opts.scale));
        const metrics = await withDatabase(async (pool) => {
          await initFixture(pool, { reset: Boolean(opts.reset), domains: fixture.domains, objectsPerDomain: fixture.objectsPerDomain });
          return measure(pool, 'APR-BOOT-AUTHMODEL-1');
        });
        if (opts.writeRuleset) writeJson(opts.writeRuleset, fixture.ruleset);
        if (opts.writeExpected) writeJson(opts.writeExpected, fixture.expected);
        if (opts.json) {
          print(JSON.stringify({ domains: fixture.domains, inventoryRows: fixture.inventoryRows, metrics, expected: fixture.expected }));
          return;
        }
        const label = opts.scale === undefined ? 'clone fixture' : `scaled fixture (${fixture.domains} domains, ${fixture.inventoryRows} inventory rows)`;
        print(`${label} loaded: ${formatMetrics(metrics)}`);
        print(`expected: ${JSON.stringify(fixture.expected)}`);
      }),
    );
}
