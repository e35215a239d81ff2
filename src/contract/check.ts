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
  notNull: boolean;
  hasDefault: boolean;
  select: boolean;
  insert: boolean;
  update: boolean;
}

export interface CatalogRelation {
  name: string;
  found: boolean;
  relkind: string | null;
  columns: CatalogColumn[];
  uniqueKeys: string[][];
  /** Each plain index's columns, in order (expression columns left out). */
  indexes: (string[] | null)[];
  triggers: string[];
  cascades: string[];
  select: boolean;
  delete: boolean;
}

export interface Catalog {
  serverVersionNum: number;
  role: string;
  roleExists: boolean;
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

function relationFindings(spec: RelationSpec, found: CatalogRelation | undefined, scope: ContractScope, role: string): Finding[] {
  const out: Finding[] = [];
  const noGo = (object: string, problem: string, fix: string) => out.push({ object, problem, fix, severity: 'no-go' });
  if (!found?.found) {
    noGo(spec.name, 'relation is missing', `the rollout needs it (${spec.why}): check the search_path or the database`);
    return out;
  }
  if (spec.kind === 'table' && !TABLE_KINDS.has(found.relkind ?? '')) {
    noGo(spec.name, `is not a base table (relkind ${found.relkind ?? '?'})`, 'the rollout writes or seals it as a table');
  }
  // The operator's own seed script decides what it inserts: its columns are its own business.
  const ownScript = scope.seedScript && spec.name === 'governance_object_ownership';
  const byName = new Map(found.columns.map((c) => [c.name, c]));
  for (const column of spec.columns) {
    const actual = byName.get(column.name);
    const object = `${spec.name}.${column.name}`;
    if (!actual) {
      noGo(object, 'column is missing', `the rollout ${column.use === 'read' ? 'reads' : column.use === 'insert' ? 'inserts' : 'updates'} it: add it, or adapt the contract (src/contract/contract.ts) and its SQL`);
      continue;
    }
    if (!fitsFamily(actual, column.family)) {
      noGo(object, `has type ${actual.type}, not a ${column.family} type`, `the rollout binds a ${column.family} value: align the column type or the contract`);
    }
    if (!actual.select) noGo(object, `role ${role} may not SELECT it`, `grant it (sql/roles/rollout_operator.sql)`);
    if (column.use === 'insert' && !ownScript && !actual.insert) noGo(object, `role ${role} may not INSERT it`, 'grant it (sql/roles/rollout_operator.sql)');
    if (column.use === 'update' && !actual.update) noGo(object, `role ${role} may not UPDATE it`, 'grant it (sql/roles/rollout_operator.sql)');
  }
  if (spec.columns.length === 0 && !found.select) {
    noGo(spec.name, `role ${role} may not SELECT it`, 'grant it (sql/roles/rollout_operator.sql)');
  }
  if (spec.access === 'write' && !ownScript) {
    const filled = new Set(spec.columns.filter((c) => c.use === 'insert').map((c) => c.name));
    const inserts = filled.size > 0;
    for (const column of found.columns) {
      if (inserts && column.notNull && !column.hasDefault && !filled.has(column.name)) {
        noGo(
          `${spec.name}.${column.name}`,
          'is NOT NULL without a default, and the rollout does not fill it',
          'give it a default, or extend the contract and the step that inserts rows',
        );
      }
    }
  }
  for (const key of spec.uniqueKeys ?? []) {
    if (!found.uniqueKeys.some((k) => sameKey(k, key))) {
      noGo(`${spec.name} (${key.join(', ')})`, 'has no unique key on exactly these columns', 'the natural-key upsert (ON CONFLICT) needs it: add a unique constraint');
    }
  }
  if (spec.deletes && !found.delete) noGo(spec.name, `role ${role} may not DELETE from it`, 'the compensation deletes the rows it wrote: grant DELETE');
  if (spec.triggers !== undefined && found.triggers.length !== spec.triggers) {
    const object = `${spec.name} triggers`;
    const problem = `carries ${found.triggers.length} trigger(s)${found.triggers.length ? ` (${found.triggers.join(', ')})` : ''}, the packet says ${spec.triggers}`;
    // A trigger on a table the rollout writes turns a clean insert into a cascade; on a sealed one it is only news.
    if (spec.access === 'write') noGo(object, problem, 'the seed is a clean insert only with no triggers: review them before the gate');
    else out.push({ object, problem, fix: 'the rollout never writes it; review whether the packet still holds', severity: 'note' });
  }
  for (const lookup of spec.lookups ?? []) {
    const leads = (found.indexes ?? []).some((cols) => cols !== null && lookup.columns.every((c, i) => cols[i] === c));
    if (!leads) {
      out.push({
        object: `${spec.name} (${lookup.columns.join(', ')})`,
        problem: 'has no index leading with these columns',
        fix: `${lookup.why} then reads the whole table at every step: ask the owner for the index, or accept the cost`,
        severity: 'note',
      });
    }
  }
  if (spec.noCascade && found.cascades.length > 0) {
    noGo(`${spec.name} foreign keys`, `a change cascades into ${found.cascades.join(', ')}`, 'the compensation deletes rows: it must not cascade, review the constraints');
  }
  return out;
}

/** Every gap between the contract and the catalog, for the relations this rollout needs. */
export function contractFindings(contract: Contract, catalog: Catalog, scope: ContractScope): Finding[] {
  const out: Finding[] = [];
  const noGo = (object: string, problem: string, fix: string) => out.push({ object, problem, fix, severity: 'no-go' });
  if (!catalog.roleExists) {
    noGo(`role ${catalog.role}`, 'does not exist', 'create it (README: a least-privilege role) or name the worker\'s role');
    return out;
  }
  if (catalog.serverVersionNum < contract.minServerVersionNum) {
    noGo('server', `server_version_num ${catalog.serverVersionNum}`, `needs at least ${contract.minServerVersionNum}`);
  }
  for (const fn of contract.functions) {
    if (!catalog.functions[fn.signature]) noGo(`function ${fn.signature}`, 'is missing', `needed for ${fn.why}`);
  }
  const byName = new Map(catalog.relations.map((r) => [r.name, r]));
  for (const spec of relationsInScope(contract, scope)) {
    out.push(...relationFindings(spec, byName.get(spec.name), scope, catalog.role));
  }
  const { schema } = contract.ledger;
  if (catalog.ledgerVersion === null) {
    noGo(`schema ${schema}`, 'the ledger is not installed', 'run `rollout db install` as the database owner, once');
    return out;
  }
  if (catalog.ledgerVersion < contract.ledger.version) {
    noGo(`schema ${schema}`, `ledger version ${catalog.ledgerVersion}, needs ${contract.ledger.version}`, 'run `rollout db install` as the database owner');
  }
  if (!catalog.schemaUsage[schema]) noGo(`schema ${schema}`, `role ${catalog.role} has no USAGE on it`, 'grant it (sql/roles/rollout_operator.sql)');
  for (const table of contract.ledger.tables) {
    const name = ledgerTableName(contract, table.name);
    const found = byName.get(name);
    if (!found?.found) {
      noGo(name, 'ledger table is missing', 'run `rollout db install` as the database owner');
      continue;
    }
    const columns = new Map(found.columns.map((c) => [c.name, c]));
    if (!found.select) noGo(name, `role ${catalog.role} may not SELECT it`, 'grant it (sql/roles/rollout_operator.sql)');
    if (table.privileges.insert && !found.columns.every((c) => c.insert)) {
      noGo(name, `role ${catalog.role} may not INSERT into it`, 'grant it (sql/roles/rollout_operator.sql)');
    }
    for (const column of table.privileges.update ?? []) {
      if (!columns.get(column)?.update) noGo(`${name}.${column}`, `role ${catalog.role} may not UPDATE it`, 'grant it (sql/roles/rollout_operator.sql)');
    }
  }
  return out;
}

/** Every relation name the catalog query must look up, the ledger's among them. */
export function catalogRelationNames(contract: Contract): string[] {
  return [...contract.relations.map((r) => r.name), ...contract.ledger.tables.map((t) => ledgerTableName(contract, t.name))];
}

export function describeFinding(f: Finding): string {
  return `${f.object}: ${f.problem}; ${f.fix}`;
}
