// The packet's values as the words of a cell, shared by its renderings (markdown.ts, html.ts), so the
// page and the Markdown say the same thing the same way.

import { OPERATIONS, type FootprintProof, type Written } from '../shared/footprint';

export type Cell = string | number | boolean | null | undefined;

const missing = (v: Cell): boolean => v === null || v === undefined || v === '';

/** `before → after`, or the one value there is; `—` for none. */
export function span(before: Cell, after: Cell): string {
  if (missing(before)) return missing(after) ? '—' : String(after);
  return `${String(before)} → ${missing(after) ? '—' : String(after)}`;
}

/** The packet's verification of a step, in words. */
export function verdictText(v: { passed: boolean | null; problems: string[] }): string {
  if (v.passed === null) return 'not verified (the step did not finish)';
  return v.passed ? 'passed' : `FAILED: ${v.problems.join('; ')}`;
}

/** A recorded map (a step's detail, a compensation) as `key=value, ...`. */
export function pairs(values: Record<string, Cell> | null | undefined): string {
  return Object.entries(values ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** Rows of production's own records (approval rows), whatever their columns: a header and one line each. */
export function recordsTable(records: Record<string, unknown>[]): { columns: string[]; rows: string[][] } {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  // Text as it is; numbers, booleans and nested values (jsonb) as JSON writes them.
  const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return { columns, rows: records.map((r) => columns.map((c) => text(r[c]))) };
}

/**
 * A step's footprint proof as rows: every relation it declared or wrote, insert / update / delete beside each other. */
export function footprintTable(proof: FootprintProof): {
  how: string;
  rows: [string, string, string][];
  unprovable: string[];
} {
  const names = [...new Set([...proof.declared.map((d) => d.relation), ...proof.measured.map((m) => m.relation)])];
  const ops = (w: Written | undefined) => (w ? OPERATIONS.map((op) => w[op]).join(' / ') : '0 / 0 / 0');
  const how =
    proof.method === 'transaction'
      ? "PostgreSQL's accounting of the transaction, before it committed"
      : "rows carrying the script's transaction id, after it committed";
  return {
    how,
    rows: names.map((n) => [
      n,
      ops(proof.declared.find((d) => d.relation === n)),
      ops(proof.measured.find((m) => m.relation === n)),
    ]),
    unprovable: proof.unprovable ?? [],
  };
}
