// What the rollout will write into each column, for the plan to hold the column's type and width to it:
// the packet's literals and the input's fields here, the target's own data through sql/contract/widths.sql.
import type { RolloutInput } from '../shared/input';
import { relationsInScope, type Contract, type ContractScope, type ValueSource } from './contract';
import type { WrittenValue, WrittenValues } from './check';

export interface DataValue {
  key: string;
  relation: string;
  column: string;
  prefix: string;
}

function fromInput(
  source: Extract<ValueSource, { input: unknown }>['input'],
  input: RolloutInput,
): WrittenValue | null {
  const scan = input.scan;
  const text = (value: string, what: string): WrittenValue => ({ length: value.length, what: `${what} '${value}'` });
  switch (source) {
    case 'apr':
      return text(input.apr, 'the APR');
    case 'snapshotRef':
      return scan ? text(scan.snapshotRef, 'the snapshot ref') : null;
    case 'rulesetCode':
      return scan ? text(scan.ruleset.code, "the ruleset's code") : null;
    case 'rulesetState':
      return scan ? text(scan.ruleset.state, "the ruleset's state") : null;
    case 'rulesetVersion':
      return scan ? { max: scan.ruleset.version, what: `the ruleset's version ${scan.ruleset.version}` } : null;
    case 'rulesetDomains': {
      const longest = scan?.ruleset.domains.reduce((a, b) => (b.length > a.length ? b : a), '');
      return longest ? text(longest, "the ruleset's longest domain code") : null;
    }
  }
}

/** The values known without reading data, and the data columns still to measure. */
export function writtenValues(
  contract: Contract,
  scope: ContractScope,
  input: RolloutInput,
): { values: WrittenValues; data: DataValue[] } {
  const values: WrittenValues = {};
  const data: DataValue[] = [];
  for (const spec of relationsInScope(contract, scope)) {
    for (const column of spec.columns) {
      const key = `${spec.name}.${column.name}`;
      const source = column.value;
      if (!source || column.use === 'read') continue;
      if ('literal' in source) values[key] = { length: source.literal.length, what: `'${source.literal}'` };
      else if ('input' in source) {
        const value = fromInput(source.input, input);
        if (value) values[key] = value;
      } else
        data.push({
          key,
          relation: source.data.relation,
          column: source.data.column,
          prefix: source.data.prefix ?? '',
        });
    }
  }
  return { values, data };
}

/** The data columns' longest values, measured, as WrittenValues. */
export function dataValues(data: DataValue[], lengths: { key: string; length: number | null }[]): WrittenValues {
  const out: WrittenValues = {};
  for (const { key, length } of lengths) {
    const source = data.find((d) => d.key === key);
    if (length === null || !source) continue;
    out[key] = {
      length,
      what: `the longest ${source.prefix ? `'${source.prefix}' || ` : ''}${source.relation}.${source.column}`,
    };
  }
  return out;
}
