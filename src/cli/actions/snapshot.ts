import { createSnapshot } from '../../db/snapshot';
import { withTransaction } from '../../db/pool';
import { withDatabase } from '../context';
import { print } from '../output';

export async function create(opts: { json?: boolean }): Promise<void> {
  await withDatabase(async (pool) => {
    const ref = await withTransaction(pool, createSnapshot);
    print(opts.json ? JSON.stringify({ snapshotRef: ref }) : ref);
  });
}
