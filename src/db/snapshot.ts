import type { PoolClient } from './pool';
import { runScript } from './pool';
import { sqlFile } from './sql';

export interface InventoryDigest {
  inventory_hash: string;
  object_count: number;
}

export async function inventoryDigest(client: PoolClient): Promise<InventoryDigest> {
  const { rows } = await runScript<InventoryDigest>(client, sqlFile('snapshot/inventory.sql'));
  const row = rows[0];
  if (!row) throw new Error('snapshot/inventory.sql returned no row');
  return row;
}

/** Records the current inventory under a new ref. */
export async function createSnapshot(client: PoolClient): Promise<string> {
  const digest = await inventoryDigest(client);
  const { rows } = await runScript<{ snapshot_ref: string }>(client, sqlFile('snapshot/create.sql'), [
    digest.inventory_hash,
    digest.object_count,
  ]);
  const ref = rows[0]?.snapshot_ref;
  if (!ref) throw new Error('snapshot/create.sql returned no ref');
  return ref;
}

/** Why a snapshot ref cannot be scanned from, or null when it matches the inventory now. */
export async function snapshotProblem(client: PoolClient, snapshotRef: string): Promise<string | null> {
  const { rows } = await runScript<InventoryDigest>(client, sqlFile('snapshot/read.sql'), [snapshotRef]);
  const recorded = rows[0];
  if (!recorded) return `snapshot ref ${snapshotRef} is unknown: take one with \`rollout snapshot create\``;
  const now = await inventoryDigest(client);
  if (now.inventory_hash !== recorded.inventory_hash) {
    return (
      `snapshot ref ${snapshotRef} is stale: it recorded ${recorded.object_count} inventory rows, the ` +
      `inventory now has ${now.object_count} and differs`
    );
  }
  return null;
}
