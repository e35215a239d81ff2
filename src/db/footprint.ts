// The footprint proof, in the transaction of the writes: PostgreSQL's accounting of this transaction
// against what the step declares, before COMMIT. Anything else rolls the whole transaction back.
import { footprintViolations, type Declared, type FootprintProof, type Written } from '../shared/footprint';
import { runScript, withTransaction, type Pool, type PoolClient } from './pool';
import { sqlFile } from './sql';

/** A transaction that wrote outside its footprint: rolled back, nothing of it committed. */
export class FootprintViolation extends Error {
  constructor(
    readonly violations: string[],
    readonly proof: FootprintProof,
  ) {
    super(`wrote outside its footprint, rolled back, nothing written: ${violations.join('; ')}`);
    this.name = 'FootprintViolation';
  }
}

type Counters = Written & { relid: string };

/** The session's write counters not yet flushed to the shared statistics, every relation of every schema. */
async function sessionCounters(client: PoolClient, named: readonly string[]): Promise<Counters[]> {
  return (await runScript<Counters>(client, sqlFile('footprint/transaction.sql'), [named])).rows;
}

/**
 * What a transaction wrote: the session's counters at its end less those at its start. Since PostgreSQL 15
 * the session's counters also hold earlier transactions' writes until they are flushed (at most once a
 * second, never inside a transaction), so only the difference is this transaction's.
 */
function difference(end: Counters[], start: Counters[]): Written[] {
  const before = new Map(start.map((c) => [c.relid, c]));
  return end
    .map(({ relid, relation, ...now }) => {
      const b = before.get(relid);
      return {
        relation,
        insert: now.insert - (b?.insert ?? 0),
        update: now.update - (b?.update ?? 0),
        delete: now.delete - (b?.delete ?? 0),
      };
    })
    .filter((w) => w.insert !== 0 || w.update !== 0 || w.delete !== 0);
}

/** A step's result before its proof is attached. */
export type Unproven<T> = Omit<T, 'footprint'>;

/** The step's part: its writes, its result, and the footprint it declares from its own statements and ledger. */
export interface Footprinted<T> {
  result: T;
  declared: Declared[];
}

/**
 * Starts measuring the open transaction: the returned proof compares what it wrote from here on with
 * what is declared, and throws FootprintViolation (the caller rolls back) on any difference.
 */
export async function footprintOf(client: PoolClient): Promise<(declared: Declared[]) => Promise<FootprintProof>> {
  const start = await sessionCounters(client, []);
  return async (declared) => {
    const measured = difference(
      await sessionCounters(
        client,
        declared.map((d) => d.relation),
      ),
      start,
    );
    const footprint: FootprintProof = { declared, measured, method: 'transaction' };
    const violations = footprintViolations(footprint);
    if (violations.length > 0) throw new FootprintViolation(violations, footprint);
    return footprint;
  };
}

/** One write transaction whose footprint is proven before it commits; a violation rolls all of it back. */
export async function withFootprint<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<Footprinted<T>>,
): Promise<T & { footprint: FootprintProof }> {
  return withTransaction(pool, async (client) => {
    const prove = await footprintOf(client);
    const { result, declared } = await fn(client);
    return { ...result, footprint: await prove(declared) };
  });
}
