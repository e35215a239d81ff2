import type { Pool } from '../db/pool';
import { withClient, runScript } from '../db/pool';
import { sqlFile } from '../db/sql';
import type { Metrics } from '../shared/progress';

/** Reads the system of record for the gate: a signal only claims it is open. */
export async function readGate(pool: Pool, apr: string): Promise<{ ospa: number }> {
  return withClient(pool, async (client) => {
    const { rows } = await runScript<{ ospa: number }>(client, sqlFile('gate/ospa.sql'), [apr]);
    return { ospa: rows[0]?.ospa ?? 0 };
  });
}

export async function measure(pool: Pool, apr: string): Promise<Metrics> {
  return withClient(pool, async (client) => {
    const { rows } = await runScript<Metrics>(client, sqlFile('metrics/measure.sql'), [apr]);
    const row = rows[0];
    if (!row) throw new Error('metrics/measure.sql returned no row');
    return row;
  });
}
