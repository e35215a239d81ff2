// The contract against what the live catalog says (sql/contract/catalog.sql): pure, so every finding
// names the object, what is missing or different, and what to do.
import {
  ledgerTableName,
  relationsInScope,
  type Contract,
  type ContractScope,
  type RelationSpec,
  type TypeFamily,
} from './contract';

export interface CatalogColumn {
  name: string;
  type: string;
  typname: string;
  category: string;
  /** varchar(n)/char(n): n; null when unbounded. */
  maxLength?: number | null;
  notNull: boolean;
  hasDefault: boolean;
  select: boolean;
  insert: boolean;
  update: boolean;
}

export interface CatalogRelation {
  name: string;
  found: boolean;
  /** schema.name as the worker's search_path resolved it. */
  qualified?: string | null;
  /** Where a relation of that name lives when the search_path does not reach it. */
  elsewhere?: string[] | null;
  relkind: string | null;
  columns: CatalogColumn[];
  uniqueKeys: string[][];
  /** Each plain index's columns, in order (expression columns left out). */
  indexes: (string[] | null)[];
  triggers: string[];
  rules?: string[];
  /** Row level security applies to the worker's role here; and the table's policies. */
  rowSecurity?: boolean;
  policies?: string[];
  cascades: string[];
  select: boolean;
  delete: boolean;
}

export interface Catalog {
  serverVersionNum: number;
  role: string;
  roleExists: boolean;
  /** The search_path the relations were resolved through: the worker's. */
  searchPath?: string;
  relations: CatalogRelation[];
  functions: Record<string, boolean>;
  schemaUsage: Record<string, boolean>;
  /** The installed ledger's version, or null when its version table is missing. */
  ledgerVersion: number | null;
}

/** no-go: the rollout would fail or write where it must not; note: a packet fact changed, worth a look. */
export interface Finding {
  object: string;
  problem: string;
  fix: string;
  severity: 'no-go' | 'note';
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

export function fitsFamily(column: Pick<CatalogColumn, 'typname' | 'category'>, family: TypeFamily): boolean {
  switch (family) {
    case 'text':
      return column.category === 'S';
    case 'integer':
      return INTEGER_TYPES.has(column.typname);
    case 'numeric':
      return column.category === 'N';
    case 'boolean':
      return column.category === 'B';
    case 'timestamp':
      return column.category === 'D';
    case 'json':
      return column.typname === 'jsonb' || column.typname === 'json';
  }
}

const TABLE_KINDS = new Set(['r', 'p']);

function sameKey(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, i) => name === [...b].sort()[i]);
}

/** What a step will write into a column, as the plan computed it from the input and the target's data. */
export interface WrittenValue {
  /** The longest text it writes, in characters. */
  length?: number;
  /** The largest integer it writes. */
  max?: number;
  /** The value or where it comes from, for the finding. */
  what: string;
}

/** `relation.column` -> what the rollout writes there (src/contract/values.ts). */
export type WrittenValues = Record<string, WrittenValue>;

const INTEGER_MAX: Record<string, number> = { int2: 32_767, int4: 2_147_483_647, int8: Number.MAX_SAFE_INTEGER };

function valueFindings(
  object: string,
  actual: CatalogColumn,
  value: WrittenValue | undefined,
): Omit<Finding, 'object' | 'severity'>[] {
  if (!value) return [];
  const out: Omit<Finding, 'object' | 'severity'>[] = [];
  if (value.length !== undefined && actual.maxLength != null && actual.maxLength < value.length) {
    out.push({
      problem: `${actual.type} is narrower than the ${value.length} characters the rollout writes (${value.what})`,
      fix: 'widen the column, or change the value at its source',
    });
  }
  const limit = INTEGER_MAX[actual.typname];
  if (value.max !== undefined && limit !== undefined && value.max > limit) {
    out.push({
      problem: `${actual.type} cannot hold ${value.max} (${value.what})`,
      fix: 'widen the column, or change the value at its source',
    });
  }
  return out;
}

function relationFindings(
  spec: RelationSpec,
  found: CatalogRelation | undefined,
  scope: ContractScope,
  catalog: Pick<Catalog, 'role' | 'searchPath'>,
  written: ReadonlySet<string>,
  values: WrittenValues,
): Finding[] {
  const { role } = catalog;
  const out: Finding[] = [];
  const noGo = (object: string, problem: string, fix: string) => out.push({ object, problem, fix, severity: 'no-go' });
  if (!found?.found) {
    const path = catalog.searchPath ? ` (search_path ${catalog.searchPath})` : '';
    const there = found?.elsewhere?.length ? `; it exists as ${found.elsewhere.join(', ')}` : '';
    noGo(
      spec.name,
      `relation is missing for role ${role}${path}${there}`,
      `the rollout needs it (${spec.why}): put its schema on the worker's search_path (ALTER ROLE ... SET ` +
        `search_path) with USAGE, or check the database`,
    );
    return out;
  }
  const name = found.qualified ?? spec.name;
  if (spec.kind === 'table' && !TABLE_KINDS.has(found.relkind ?? '')) {
    noGo(name, `is not a base table (relkind ${found.relkind ?? '?'})`, 'the rollout writes or seals it as a table');
  }
  // The operator's own seed script decides what it inserts: its columns are its own business.
  const ownScript = scope.seedScript && spec.name === 'governance_object_ownership';
  const byName = new Map(found.columns.map((c) => [c.name, c]));
  for (const column of spec.columns) {
    const actual = byName.get(column.name);
    const object = `${name}.${column.name}`;
    if (!actual) {
      noGo(
        object,
        'column is missing',
        `the rollout ${column.use === 'read' ? 'reads' : column.use === 'insert' ? 'inserts' : 'updates'} it: add ` +
          `it, or adapt the contract (src/contract/contract.ts) and its SQL`,
      );
      continue;
    }
    if (!fitsFamily(actual, column.family)) {
      noGo(
        object,
        `has type ${actual.type}, not a ${column.family} type`,
        `the rollout binds a ${column.family} value: align the column type or the contract`,
      );
    }
    if (!actual.select) noGo(object, `role ${role} may not SELECT it`, `grant it (sql/roles/rollout_operator.sql)`);
    if (column.use === 'insert' && !ownScript && !actual.insert)
      noGo(object, `role ${role} may not INSERT it`, 'grant it (sql/roles/rollout_operator.sql)');
    if (column.use === 'update' && !actual.update)
      noGo(object, `role ${role} may not UPDATE it`, 'grant it (sql/roles/rollout_operator.sql)');
    if (column.use !== 'read' && !ownScript) {
      for (const f of valueFindings(object, actual, values[`${spec.name}.${column.name}`]))
        noGo(object, f.problem, f.fix);
    }
  }
  if (spec.columns.length === 0 && !found.select) {
    noGo(name, `role ${role} may not SELECT it`, 'grant it (sql/roles/rollout_operator.sql)');
  }
  if (found.rowSecurity) {
    const policies = found.policies?.length ? ` (policies ${found.policies.join(', ')})` : '';
    noGo(
      name,
      `row level security applies to role ${role}${policies}`,
      'the rollout must see every row it reads and writes: exempt the role (BYPASSRLS) or give it a policy that ' +
        'shows all rows',
    );
  }
  if (spec.access === 'write' && !ownScript) {
    const filled = new Set(spec.columns.filter((c) => c.use === 'insert').map((c) => c.name));
    const inserts = filled.size > 0;
    for (const column of found.columns) {
      if (inserts && column.notNull && !column.hasDefault && !filled.has(column.name)) {
        noGo(
          `${name}.${column.name}`,
          'is NOT NULL without a default, and the rollout does not fill it',
          'give it a default, or extend the contract and the step that inserts rows',
        );
      }
    }
  }
  for (const key of spec.uniqueKeys ?? []) {
    if (!found.uniqueKeys.some((k) => sameKey(k, key))) {
      noGo(
        `${name} (${key.join(', ')})`,
        'has no unique key on exactly these columns',
        "the rollout relies on it (an ON CONFLICT target, a ledger key, the cursor's name): add a unique constraint",
      );
    }
  }
  if (spec.access === 'write' && !ownScript) {
    // A unique key over columns the rollout fills can refuse its rows with a duplicate key after earlier
    // steps committed; one over a column it never fills (an identity) cannot.
    const writes = new Set(spec.columns.filter((c) => c.use !== 'read').map((c) => c.name));
    const known = [...(spec.uniqueKeys ?? []), ...(spec.knownUniqueKeys ?? [])];
    for (const key of found.uniqueKeys) {
      if (key.every((c) => writes.has(c)) && !known.some((k) => sameKey(k, key))) {
        noGo(
          `${name} (${key.join(', ')})`,
          'is a unique key over columns the rollout writes that the contract does not know',
          'its rows could fail with a duplicate key after ' +
            'earlier steps committed: drop it, or list it in the ' +
            'contract ' +
            "once the rollout's rows are shown to respect it",
        );
      }
    }
  }
  if (spec.deletes && !found.delete)
    noGo(name, `role ${role} may not DELETE from it`, 'the compensation deletes the rows it wrote: grant DELETE');
  if (spec.access === 'write') {
    // Every write is proven against its footprint: a trigger's or a rule's own writes would refuse each step.
    for (const trigger of found.triggers.filter((t) => !(spec.knownTriggers ?? []).includes(t))) {
      noGo(
        `${name} trigger ${trigger}`,
        "fires on the rollout's writes",
        "whatever it writes is outside the step's footprint and refuses the step: drop or disable it for the " +
          'rollout, or list it in the contract as known and harmless',
      );
    }
    for (const rule of found.rules ?? []) {
      noGo(
        `${name} rule ${rule}`,
        "rewrites the rollout's writes",
        'the step would not write what it declares: drop the rule for the rollout',
      );
    }
  } else if (spec.triggers !== undefined && found.triggers.length !== spec.triggers) {
    const problem =
      `carries ${found.triggers.length} ` +
      `trigger(s)${found.triggers.length ? ` (${found.triggers.join(', ')})` : ''}, the packet says ` +
      `${spec.triggers}`;
    out.push({
      object: `${name} triggers`,
      problem,
      fix: 'the rollout never writes it; review whether the packet still holds',
      severity: 'note',
    });
  }
  for (const lookup of spec.lookups ?? []) {
    const leads = (found.indexes ?? []).some((cols) => cols !== null && lookup.columns.every((c, i) => cols[i] === c));
    if (!leads) {
      out.push({
        object: `${name} (${lookup.columns.join(', ')})`,
        problem: 'has no index leading with these columns',
        fix: `${lookup.why} then reads the whole table at every step: ask the owner for the index, or accept the cost`,
        severity: 'note',
      });
    }
  }
  if (spec.access === 'write' && (spec.deletes || spec.columns.some((c) => c.use === 'update'))) {
    // A delete or update of the rollout's own rows must not reach rows it did not write.
    const foreign = found.cascades.filter(
      (c) => spec.noCascade || !written.has(c.replace(/ \(.*$/, '').replace(/^.*\./, '')),
    );
    if (foreign.length > 0) {
      noGo(
        `${name} foreign keys`,
        `a change cascades into ${foreign.join(', ')}`,
        'the compensation deletes rows: it must not cascade beyond what the rollout wrote, review the constraints',
      );
    }
  }
  return out;
}

/** Every gap between the contract and the catalog, for the relations this rollout needs. */
export function contractFindings(
  contract: Contract,
  catalog: Catalog,
  scope: ContractScope,
  values: WrittenValues = {},
): Finding[] {
  const out: Finding[] = [];
  const noGo = (object: string, problem: string, fix: string) => out.push({ object, problem, fix, severity: 'no-go' });
  if (!catalog.roleExists) {
    noGo(
      `role ${catalog.role}`,
      'does not exist',
      "create it (README: a least-privilege role) or name the worker's role",
    );
    return out;
  }
  if (catalog.serverVersionNum < contract.minServerVersionNum) {
    noGo('server', `server_version_num ${catalog.serverVersionNum}`, `needs at least ${contract.minServerVersionNum}`);
  }
  for (const fn of contract.functions) {
    if (!catalog.functions[fn.signature]) noGo(`function ${fn.signature}`, 'is missing', `needed for ${fn.why}`);
  }
  const byName = new Map(catalog.relations.map((r) => [r.name, r]));
  const inScope = relationsInScope(contract, scope);
  const written = new Set(inScope.filter((r) => r.access === 'write').map((r) => r.name));
  for (const spec of inScope) {
    out.push(...relationFindings(spec, byName.get(spec.name), scope, catalog, written, values));
  }
  const { schema } = contract.ledger;
  if (catalog.ledgerVersion === null) {
    noGo(`schema ${schema}`, 'the ledger is not installed', 'run `rollout db install` as the database owner, once');
    return out;
  }
  if (catalog.ledgerVersion < contract.ledger.version) {
    noGo(
      `schema ${schema}`,
      `ledger version ${catalog.ledgerVersion}, needs ${contract.ledger.version}`,
      'run `rollout db install` as the database owner',
    );
  }
  if (!catalog.schemaUsage[schema])
    noGo(`schema ${schema}`, `role ${catalog.role} has no USAGE on it`, 'grant it (sql/roles/rollout_operator.sql)');
  for (const table of contract.ledger.tables) {
    const name = ledgerTableName(contract, table.name);
    const found = byName.get(name);
    if (!found?.found) {
      noGo(name, 'ledger table is missing', 'run `rollout db install` as the database owner');
      continue;
    }
    const columns = new Map(found.columns.map((c) => [c.name, c]));
    if (!found.select)
      noGo(name, `role ${catalog.role} may not SELECT it`, 'grant it (sql/roles/rollout_operator.sql)');
    if (table.privileges.insert && !found.columns.every((c) => c.insert)) {
      noGo(name, `role ${catalog.role} may not INSERT into it`, 'grant it (sql/roles/rollout_operator.sql)');
    }
    for (const column of table.privileges.update ?? []) {
      if (!columns.get(column)?.update)
        noGo(
          `${name}.${column}`,
          `role ${catalog.role} may not UPDATE it`,
          'grant it (sql/roles/rollout_operator.sql)',
        );
    }
  }
  return out;
}

/** Every relation name the catalog query must look up, the ledger's among them. */
export function catalogRelationNames(contract: Contract): string[] {
  return [
    ...contract.relations.map((r) => r.name),
    ...contract.ledger.tables.map((t) => ledgerTableName(contract, t.name)),
  ];
}

export function describeFinding(f: Finding): string {
  return `${f.object}: ${f.problem}; ${f.fix}`;
}
