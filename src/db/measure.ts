import type { Pool, PoolClient } from './pool';
import { withClient, runScript } from './pool';
import { sqlFile } from './sql';
import type { Metrics, Phase3Numbers } from '../shared/progress';

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

async function numbersOn(client: PoolClient, apr: string, every: boolean): Promise<Metrics> {
  const row = (await runScript<Metrics>(client, sqlFile('metrics/measure.sql'), [apr, every])).rows[0];
  if (!row) throw new Error('metrics/measure.sql returned no row');
  return row;
}

/** The packet's numbers, on a session the caller holds (the preflight's, a step's). */
export function measureOn(client: PoolClient, apr: string): Promise<Metrics> {
  return numbersOn(client, apr, true);
}

/** Phase 3's numbers alone, in a step's transaction whose footprint proves it moved no other. */
export async function measurePhase3On(client: PoolClient, apr: string): Promise<Phase3Numbers> {
  const { gov_emit, gov_types_active } = await numbersOn(client, apr, false);
  return { gov_emit, gov_types_active };
}

export async function measure(pool: Pool, apr: string): Promise<Metrics> {
  return withClient(pool, (client) => measureOn(client, apr));
}

export interface TargetIdentity {
  /** system_identifier/database oid: the same however the database is reached. */
  identity: string;
  database: string;
}

export async function identifyTarget(pool: Pool): Promise<TargetIdentity> {
  return withClient(pool, async (client) => {
    const row = (await runScript<TargetIdentity>(client, sqlFile('target/identity.sql'))).rows[0];
    if (!row) throw new Error('target/identity.sql returned no row');
    return row;
  });
}
