import type { Command } from 'commander';
import { action } from '../errors';
import { print } from '../output';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole story on a throwaway clone: gate refused, ratified, seed/scan/cursor, a cancelled rollout compensated',
    )
    .addHelpText(
      'after',
      '\nExample:\n  npx rollout demo   (needs nothing running: it starts PostgreSQL and Temporal itself)',
    )
    .action(
      action(async () => {
        await (await import('../demo.js')).runDemo(print);
      }),
    );
}
