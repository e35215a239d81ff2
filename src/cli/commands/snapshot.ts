import type { Command } from 'commander';
import { action } from '../errors';

export function register(program: Command): void {
  const snapshot = program
    .command('snapshot')
    .description('source snapshots of the governance inventory')
    .addHelpText('after', '\nExample:\n  rollout snapshot create');
  snapshot
    .command('create')
    .description('record a snapshot of the current inventory; prints its ref alone on the last line')
    .option('--json', 'print JSON: {"snapshotRef": ...}')
    .addHelpText('after', '\nExample:\n  REF=$(rollout snapshot create | tail -n 1)')
    .action(
      action(async (opts: { json?: boolean }) => {
        await (await import('../actions/snapshot.js')).create(opts);
      }),
    );
}
