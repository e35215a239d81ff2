import type { Command } from 'commander';
import { measure } from '../../activities/gate';
import { initFixture } from '../../fixture/init';
import { print, withDatabase } from '../context';
import { action } from '../errors';
import { formatMetrics } from '../format';

export function register(program: Command): void {
  const db = program.command('db').description('the clone fixture');
  db.command('init')
    .description('load the clone fixture (schema and baseline data) into DATABASE_URL; refuses a non-empty database')
    .option('--reset', 'rebuild a database this command built before')
    .addHelpText('after', '\nExample:\n  DATABASE_URL=postgresql://postgres@localhost:5432/clone rollout db init --reset')
    .action(
      action(async (opts: { reset?: boolean }) => {
        await withDatabase(async (pool) => {
          await initFixture(pool, { reset: Boolean(opts.reset) });
          print(`clone fixture loaded: ${formatMetrics(await measure(pool, 'APR-BOOT-AUTHMODEL-1'))}`);
        });
      }),
    );
}
