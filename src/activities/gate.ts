import type { Pool } from '../db/pool';
import { withClient, runScript } from '../db/pool';
import { sqlFile } from '../db/sql';
import type { Metrics } from '../shared/progress';

export interface GateReading {
  ospa: number;
  /** The approval rows for the APR, whole, as read: the evidence of who opened the gate. */
  approvals: Record<string, unknown>[];
}

/** Reads the system of record for the gate: a signal only claims it is open. */
export async function readGate(pool: Pool, apr: string): Promise<GateReading> {
  return withClient(pool, async (client) => {
    const { rows } = await runScript<GateReading>(client, sqlFile('gate/ospa.sql'), [apr]);
    return { ospa: rows[0]?.ospa ?? 0, approvals: rows[0]?.approvals ?? [] };
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

/** Every table the rollout writes or must leave untouched, fingerprinted: what compensation must restore. */
export async function fingerprintTables(pool: Pool, scan: boolean): Promise<Record<string, string>> {
  return withClient(pool, async (client) => {
    const files = ['fingerprint/base.sql', ...(scan ? ['fingerprint/scan.sql'] : [])];
    const parts: Record<string, string>[] = [];
    for (const file of files) parts.push((await runScript<{ tables: Record<string, string> }>(client, sqlFile(file))).rows[0]?.tables ?? {});
    return Object.assign({}, ...parts) as Record<string, string>;
  });
}
