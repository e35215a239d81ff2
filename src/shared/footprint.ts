// A step's footprint: what it may write, and what PostgreSQL says its transaction wrote. Whole tables
// are never compared: other processes write them all day. What is proven is this rollout's own writes.

export const OPERATIONS = ['insert', 'update', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Rows of one relation written by one transaction, per operation. */
export interface Written {
  relation: string;
  insert: number;
  update: number;
  delete: number;
}

/** A relation the step writes, with the rows it accounts for and the packet's bounds on them. */
export interface Declared extends Written {
  /** Where the counts come from, for the reason line: "the ledger records", "its statements report". */
  source: string;
  /** The packet's expected delta, when it is exact (the seed's 30 rows). */
  exactly?: Partial<Record<Operation, number>>;
  /** The packet's bound, when a re-run may write fewer (natural-key upserts). */
  atMost?: Partial<Record<Operation, number>>;
}

/** The footprint declared by a step and the one measured from PostgreSQL's accounting of its transaction. */
export interface FootprintProof {
  declared: Declared[];
  measured: Written[];
  /** How the measurement was taken: this transaction's counters, or rows carrying a committed transaction's id. */
  method: 'transaction' | 'committed';
  /** Relations that changed while an outside script ran and that the worker's role cannot read to prove. */
  unprovable?: string[];
}

const PAST: Record<Operation, string> = { insert: 'inserted', update: 'updated', delete: 'deleted' };

export function declare(
  relation: string,
  rows: Partial<Record<Operation, number>>,
  source: string,
  bounds: Pick<Declared, 'exactly' | 'atMost'> = {},
): Declared {
  return { relation, insert: rows.insert ?? 0, update: rows.update ?? 0, delete: rows.delete ?? 0, source, ...bounds };
}

/**
 * Every difference between what a step declares and what its transaction wrote, one line each naming the
 * relation, the operation and the count. Empty when the step wrote exactly its footprint and nothing else.
 */
export function footprintViolations({ declared, measured }: Pick<FootprintProof, 'declared' | 'measured'>): string[] {
  const problems: string[] = [];
  const byName = new Map(measured.map((m) => [m.relation, m]));
  for (const d of declared) {
    const m = byName.get(d.relation);
    byName.delete(d.relation);
    for (const op of OPERATIONS) {
      const actual = m?.[op] ?? 0;
      if (actual !== d[op]) problems.push(`${d.relation}: ${actual} row(s) ${PAST[op]}, ${d.source} ${d[op]}`);
      const exact = d.exactly?.[op];
      if (exact !== undefined && d[op] !== exact)
        problems.push(`${d.relation}: ${d[op]} row(s) ${PAST[op]}, the packet expects exactly ${exact}`);
      const most = d.atMost?.[op];
      if (most !== undefined && d[op] > most)
        problems.push(`${d.relation}: ${d[op]} row(s) ${PAST[op]}, the packet allows at most ${most}`);
    }
  }
  for (const m of byName.values()) {
    for (const op of OPERATIONS) {
      if (m[op] > 0) problems.push(`${m.relation}: ${m[op]} row(s) ${PAST[op]}, outside the step's footprint`);
    }
  }
  return problems;
}

function sum<T extends Written>(rows: T[]): T[] {
  const out = new Map<string, T>();
  for (const row of rows) {
    const seen = out.get(row.relation);
    if (!seen) out.set(row.relation, { ...row });
    else for (const op of OPERATIONS) seen[op] += row[op];
  }
  return [...out.values()];
}

/** One step's footprint over the several transactions it took (production's script and the ledger's around it). */
export function mergeProofs(...proofs: FootprintProof[]): FootprintProof {
  const unprovable = proofs.flatMap((p) => p.unprovable ?? []);
  return {
    declared: sum(proofs.flatMap((p) => p.declared)),
    measured: sum(proofs.flatMap((p) => p.measured)),
    method: proofs.some((p) => p.method === 'committed') ? 'committed' : 'transaction',
    ...(unprovable.length ? { unprovable } : {}),
  };
}
