// The ledger's own rows in a step's footprint: the ledger is written in the same transaction as the rows
// it records, so its entries are part of what the transaction is proven to have written.
import { declare, type Declared } from '../shared/footprint';

const LEDGER = 'governed_rollout';

export interface LedgerRows {
  /** governed_rollout.written entries inserted (one per relation a step records). */
  written?: number;
  /** governed_rollout.step_done rows inserted. */
  done?: number;
  /** governed_rollout.step_started rows inserted (production's script path). */
  started?: number;
  /** written entries and step_done rows marked reverted (a compensation). */
  writtenReverted?: number;
  doneReverted?: number;
}

export function ledgerEntries(rows: LedgerRows): Declared[] {
  const source = "the step's own ledger statements report";
  const entries: [string, number, number][] = [
    ['written', rows.written ?? 0, rows.writtenReverted ?? 0],
    ['step_done', rows.done ?? 0, rows.doneReverted ?? 0],
    ['step_started', rows.started ?? 0, 0],
  ];
  return entries
    .filter(([, insert, update]) => insert + update > 0)
    .map(([table, insert, update]) => declare(`${LEDGER}.${table}`, { insert, update }, source));
}
