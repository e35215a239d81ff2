import type { Command } from 'commander';
import { runDemo } from '../demo';
import { print } from '../context';
import { action } from '../errors';

export function register(program: Command): void {
  program
    .command('demo')
    .description('the whole story on a throwaway clone: gate refused, ratified, seed/scan/cursor, a cancelled rollout compensated')
    .addHelpText('after', '\nExample:\n  npx rollout demo   (needs nothing running: it starts PostgreSQL and Temporal itself)')
    .action(
      action(async () => {
        await runDemo(print);
      }),
    );
}
