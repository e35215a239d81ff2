// The contract with the target database, written once as data: every relation, column, key, row,
// function and server feature the rollout reads or writes, and the packet's facts about them. The
// preflight and `rollout plan` check it against the live catalog; docs/CONTRACT.md and the grants of
// sql/roles/rollout_operator.sql are rendered from it (src/contract/render.ts).

/** Type families, as pg_type sorts them: a column fits when its type is in the family. */
export type TypeFamily = 'text' | 'integer' | 'numeric' | 'boolean' | 'timestamp' | 'json';

/** read: selected; insert: filled by the rollout's insert; update: set by the rollout's update. */
export type ColumnUse = 'read' | 'insert' | 'update';

/** When a relation is needed: every rollout, Phase 2 only (--scan), or the bundled seed script only. */
export type Scope = 'always' | 'scan' | 'bundled-seed';

/**
 * read: the rollout only reads it. write: the rollout writes it and undoes what it wrote.
 * sealed: the packet forbids any write: every write transaction of the rollout proves, from PostgreSQL's
 * accounting of that transaction, that it wrote no row there (others may write it all day).
 */
export type Access = 'read' | 'write' | 'sealed';

/**
 * Where the value a step writes into a column comes from, so the plan can hold the column's width to it:
 * a literal of the packet, a field of the rollout's input, or a column of the target's own data.
 */
export type ValueSource =
  | { literal: string }
  | { input: 'apr' | 'rulesetCode' | 'rulesetVersion' | 'rulesetState' | 'rulesetDomains' | 'snapshotRef' }
  | { data: { relation: string; column: string; prefix?: string } };

export interface ColumnSpec {
  name: string;
  family: TypeFamily;
  use: ColumnUse;
  /** For a column the rollout writes: where its value comes from. */
  value?: ValueSource;
}

export interface RelationSpec {
  name: string;
  /** table: a base table (written tables must be); relation: anything selectable (table or view). */
  kind: 'table' | 'relation';
  access: Access;
  scope: Scope;
  /** Why the rollout needs it, for operators. */
  why: string;
  columns: ColumnSpec[];
  /**
   * Unique keys the rollout relies on: the natural-key upserts' ON CONFLICT targets, the ledger's keys, the cursor's
   * name. */
  uniqueKeys?: string[][];
  /** Other unique keys over columns the rollout writes that its rows are known to respect (a NO-GO when not listed). */
  knownUniqueKeys?: string[][];
  /** Triggers on a written table known to be harmless (none today: each one is a NO-GO until listed here). */
  knownTriggers?: string[];
  /** The column by which the ledger records the rows the rollout wrote. */
  ledgerKey?: string;
  /** The packet's fact: how many (non-internal) triggers it carries. */
  triggers?: number;
  /**
   * Lookups that must cost what they find, not the table: an index leading with these columns (a note when missing). */
  lookups?: { columns: string[]; why: string }[];
  /** The packet's fact: no foreign key cascades a delete or update from it into other tables. */
  noCascade?: boolean;
  /** A row that must exist, by the value of an input field. */
  requiredRow?: { column: string; input: 'cursorName' };
  /** Whether the rollout deletes rows of it (its compensation). */
  deletes?: boolean;
}

export interface LedgerTableSpec {
  name: string;
  /** Privileges the worker's role needs; update names columns. */
  privileges: { select: true; insert?: true; update?: string[] };
}

export interface Contract {
  version: number;
  /** server_version_num at least: hashtextextended (11), data-modifying CTEs and identity columns. */
  minServerVersionNum: number;
  functions: { signature: string; why: string }[];
  relations: RelationSpec[];
  ledger: { schema: string; version: number; tables: LedgerTableSpec[] };
}

const text = (name: string, use: ColumnUse = 'read', value?: ValueSource): ColumnSpec => ({
  name,
  family: 'text',
  use,
  ...(value ? { value } : {}),
});
const integer = (name: string, use: ColumnUse = 'read', value?: ValueSource): ColumnSpec => ({
  name,
  family: 'integer',
  use,
  ...(value ? { value } : {}),
});
const fromInput = (input: Extract<ValueSource, { input: unknown }>['input']): ValueSource => ({ input });
const fromData = (relation: string, column: string, prefix?: string): ValueSource => ({
  data: { relation, column, ...(prefix ? { prefix } : {}) },
});

export const CONTRACT: Contract = {
  version: 1,
  minServerVersionNum: 110000,
  functions: [
    {
      signature: 'pg_advisory_xact_lock(bigint)',
      why: 'one rollout writes at a time (the seed guard and every write step)',
    },
    { signature: 'hashtextextended(text,bigint)', why: "the advisory lock's key" },
    { signature: 'md5(text)', why: 'the inventory hash of a snapshot' },
    {
      signature: 'pg_stat_get_xact_tuples_inserted(oid)',
      why: "the footprint proof: PostgreSQL's accounting of each write transaction (pg_stat_xact_user_tables)",
    },
    {
      signature: 'query_to_xml(text,boolean,boolean,text)',
      why: "the footprint of production's own seed script, proven after its COMMIT",
    },
    {
      signature: 'pg_control_system()',
      why: "the target's identity (system identifier): one rollout per database, however it is reached",
    },
  ],
  relations: [
    {
      name: 'os_proposal_approvals',
      kind: 'table',
      access: 'sealed',
      scope: 'always',
      why: 'the sovereign gate: ospa = approval rows for the APR; only people write them',
      columns: [text('proposal_code')],
    },
    {
      name: 'governance_domain',
      kind: 'relation',
      access: 'read',
      scope: 'bundled-seed',
      why: "the bundled seed script's source: one ownership row per domain, owned by its steward",
      columns: [text('domain_code'), text('steward_role')],
    },
    {
      name: 'governance_object_ownership',
      kind: 'table',
      access: 'write',
      scope: 'always',
      why:
        "Phase 1 seed: 0→30 rows marked created_by='F6_OWNERSHIP_SEED_COMMIT'; its compensation deletes " +
        'exactly those',
      columns: [
        text('object_ref', 'insert', fromData('governance_domain', 'domain_code', 'domain:')),
        text('owner_role', 'insert', fromData('governance_domain', 'steward_role')),
        text('ratified_apr', 'insert', fromInput('apr')),
        text('created_by', 'insert', { literal: 'F6_OWNERSHIP_SEED_COMMIT' }),
      ],
      knownUniqueKeys: [['object_ref', 'owner_role']],
      ledgerKey: 'object_ref',
      triggers: 0,
      noCascade: true,
      deletes: true,
    },
    {
      name: 'v_governance_object_inventory',
      kind: 'relation',
      access: 'read',
      scope: 'always',
      why:
        'the governed inventory: snapshot hash, scan candidates (its definition renders differently after a ' +
        'dump-reload: irrelevant)',
      columns: [text('object_ref'), text('object_kind'), text('object_type'), text('domain_code'), text('parent_ref')],
    },
    {
      name: 'v_object_owner_gap',
      kind: 'relation',
      access: 'read',
      scope: 'always',
      why: 'gap: governed objects with no owner (210→0)',
      columns: [],
    },
    {
      name: 'v_object_owner_conflict',
      kind: 'relation',
      access: 'read',
      scope: 'always',
      why: 'conflict: contradicting owners (stays 0)',
      columns: [],
    },
    {
      name: 'v_owner_coverage',
      kind: 'relation',
      access: 'read',
      scope: 'always',
      why: 'resolution: 30 direct + 210 inherited, coverage 100 %',
      columns: [integer('direct'), integer('inherited'), { name: 'coverage_pct', family: 'numeric', use: 'read' }],
    },
    {
      name: 'event_type_registry',
      kind: 'table',
      access: 'sealed',
      scope: 'always',
      why: 'Phase 3 stays manual: governance event types stay active=false',
      columns: [text('event_type'), text('event_domain'), { name: 'active', family: 'boolean', use: 'read' }],
    },
    {
      name: 'event_outbox',
      kind: 'table',
      access: 'sealed',
      scope: 'always',
      why: 'gov_emit stays 0; not inert (fn_event_type_validate trigger): never written',
      columns: [text('event_type')],
      lookups: [{ columns: ['event_type'], why: 'gov_emit (governance events among the live ones)' }],
      triggers: 1,
    },
    {
      name: 'system_issues',
      kind: 'table',
      access: 'sealed',
      scope: 'always',
      why: 'not inert (9 triggers): never written, never bulk-written by a scan',
      columns: [],
      triggers: 9,
    },
    {
      name: 'source_snapshot',
      kind: 'relation',
      access: 'read',
      scope: 'scan',
      why: 'the snapshot ref a scan starts from: recorded inventory hash and count',
      columns: [text('snapshot_ref'), text('inventory_hash'), integer('object_count')],
    },
    {
      name: 'governance_ruleset',
      kind: 'table',
      access: 'write',
      scope: 'scan',
      why: 'Phase 2: the ruleset seeded by its natural key (code, version)',
      columns: [
        integer('ruleset_id'),
        text('ruleset_code', 'insert', fromInput('rulesetCode')),
        integer('version', 'insert', fromInput('rulesetVersion')),
        { name: 'definition', family: 'json', use: 'insert' },
      ],
      uniqueKeys: [['ruleset_code', 'version'], ['ruleset_id']],
      ledgerKey: 'ruleset_id',
      deletes: true,
    },
    {
      name: 'candidate_state',
      kind: 'table',
      access: 'write',
      scope: 'scan',
      why: 'Phase 2 scanner write-half: 5 rows per ruleset version, natural-key upsert',
      columns: [
        integer('candidate_state_id'),
        integer('ruleset_id', 'insert'),
        text('domain_code', 'insert', fromInput('rulesetDomains')),
        text('state', 'insert', fromInput('rulesetState')),
        integer('object_count', 'insert'),
      ],
      uniqueKeys: [['ruleset_id', 'domain_code'], ['candidate_state_id']],
      ledgerKey: 'candidate_state_id',
      deletes: true,
    },
    {
      name: 'candidate_object',
      kind: 'table',
      access: 'write',
      scope: 'scan',
      why: 'Phase 2 scanner write-half: 35 rows per ruleset version, natural-key upsert',
      columns: [
        integer('candidate_object_id'),
        integer('candidate_state_id', 'insert'),
        text('object_ref', 'insert', fromData('v_governance_object_inventory', 'object_ref')),
        text('object_type', 'insert', fromData('v_governance_object_inventory', 'object_type')),
      ],
      uniqueKeys: [['candidate_state_id', 'object_ref'], ['candidate_object_id']],
      ledgerKey: 'candidate_object_id',
      deletes: true,
    },
    {
      name: 'candidate_scan_run',
      kind: 'table',
      access: 'write',
      scope: 'scan',
      why: 'Phase 2 is bounded: the one table a scan appends one row to per run',
      columns: [
        integer('scan_run_id'),
        integer('ruleset_id', 'insert'),
        text('snapshot_ref', 'insert', fromInput('snapshotRef')),
      ],
      uniqueKeys: [['scan_run_id']],
      ledgerKey: 'scan_run_id',
      deletes: true,
    },
    {
      name: 'scan_cursor',
      kind: 'table',
      access: 'write',
      scope: 'scan',
      why: 'the guarded cursor advance (compare-and-set) and its revert',
      columns: [text('cursor_name'), text('snapshot_ref', 'update', fromInput('snapshotRef'))],
      uniqueKeys: [['cursor_name']],
      ledgerKey: 'cursor_name',
      requiredRow: { column: 'cursor_name', input: 'cursorName' },
    },
  ],
  ledger: {
    schema: 'governed_rollout',
    version: 1,
    tables: [
      { name: 'ledger_version', privileges: { select: true } },
      { name: 'written', privileges: { select: true, insert: true, update: ['reverted_at'] } },
      { name: 'step_done', privileges: { select: true, insert: true, update: ['reverted_at'] } },
      { name: 'step_started', privileges: { select: true, insert: true } },
      { name: 'evidence', privileges: { select: true, insert: true } },
      { name: 'policy', privileges: { select: true } },
    ],
  },
};

/** The packet's marker on every ownership row the seed writes; the packet's hand rollback deletes by it. */
export const SEED_MARKER = 'F6_OWNERSHIP_SEED_COMMIT';

export interface ContractScope {
  scan: boolean;
  /** The operator's own seed script runs instead of the bundled one (rollout --seed-sql). */
  seedScript: boolean;
}

export function relationsInScope(contract: Contract, scope: ContractScope): RelationSpec[] {
  return contract.relations.filter(
    (r) =>
      r.scope === 'always' || (r.scope === 'scan' && scope.scan) || (r.scope === 'bundled-seed' && !scope.seedScript),
  );
}

export function ledgerTableName(contract: Contract, table: string): string {
  return `${contract.ledger.schema}.${table}`;
}
