import { writeFileSync } from 'node:fs';
import { measure } from '../../db/measure';
import { installLedger, setRehearsalRule } from '../../db/ledger';
import { initFixture } from '../../fixture/init';
import type { ScaledFixture } from '../../fixture/scale';
import { formatMetrics } from '../../format/progress';
import { withDatabase } from '../context';
import { CliError } from '../errors';
import { print } from '../output';

export interface InitOptions {
  reset?: boolean;
  scale?: string;
  writeRuleset?: string;
  writeExpected?: string;
  json?: boolean;
}

function writeJson(file: string, value: unknown): void {
  try {
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  } catch {
    throw new CliError(`cannot write ${file}`);
  }
}

export async function install(): Promise<void> {
  await withDatabase(async (pool) => {
    const { version } = await installLedger(pool);
    print(`ledger installed: schema governed_rollout, version ${version} (sql/ledger/install.sql); next: rollout plan`);
  });
}

export async function requireRehearsal(days: number, off: boolean): Promise<void> {
  await withDatabase(async (pool) => {
    await setRehearsalRule(pool, off ? null : { maxAgeDays: days });
    print(
      off
        ? 'rehearsal no longer required on this target'
        : `rollouts on this target now require a completed clone rehearsal, at most ${days} days old`,
    );
  });
}

export async function init(fixture: ScaledFixture, opts: InitOptions): Promise<void> {
  const metrics = await withDatabase(async (pool) => {
    await initFixture(pool, {
      reset: Boolean(opts.reset),
      domains: fixture.domains,
      objectsPerDomain: fixture.objectsPerDomain,
    });
    return measure(pool, 'APR-BOOT-AUTHMODEL-1');
  });
  if (opts.writeRuleset) writeJson(opts.writeRuleset, fixture.ruleset);
  if (opts.writeExpected) writeJson(opts.writeExpected, fixture.expected);
  if (opts.json) {
    print(
      JSON.stringify({
        domains: fixture.domains,
        inventoryRows: fixture.inventoryRows,
        metrics,
        expected: fixture.expected,
      }),
    );
    return;
  }
  const label =
    opts.scale === undefined
      ? 'clone fixture'
      : `scaled fixture (${fixture.domains} domains, ${fixture.inventoryRows} inventory rows)`;
  print(`${label} loaded: ${formatMetrics(metrics)}`);
  print(`expected: ${JSON.stringify(fixture.expected)}`);
}
