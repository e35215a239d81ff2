// The contract rendered for people (docs/CONTRACT.md) and for PostgreSQL (the grants of
// sql/roles/rollout_operator.sql). Both files are generated (`npm run contract:render`) and a test
// holds them equal to this output, so the contract is written once.
import { ledgerTableName, type Contract, type RelationSpec, type Scope } from './contract';

const ROLE = 'rollout_operator';

const SCOPE_TEXT: Record<Scope, string> = {
  always: 'every rollout',
  scan: 'with --scan',
  'bundled-seed': 'the bundled seed only',
};

function columnsOf(spec: RelationSpec, use: 'insert' | 'update'): string[] {
  return spec.columns.filter((c) => c.use === use).map((c) => c.name);
}

/** The role's grants: SELECT on what it reads, column-level INSERT/UPDATE where it writes, DELETE where it undoes. */
export function renderGrants(contract: Contract): string {
  const lines: string[] = [];
  const { schema } = contract.ledger;
  lines.push(`grant usage on schema public to ${ROLE};`);
  lines.push(`grant usage on schema ${schema} to ${ROLE};`);
  lines.push('');
  for (const spec of contract.relations) {
    lines.push(`-- ${spec.name} (${spec.access}, ${SCOPE_TEXT[spec.scope]}): ${spec.why}`);
    lines.push(`grant select on ${spec.name} to ${ROLE};`);
    const insert = columnsOf(spec, 'insert');
    if (insert.length > 0) lines.push(`grant insert (${insert.join(', ')}) on ${spec.name} to ${ROLE};`);
    const update = columnsOf(spec, 'update');
    if (update.length > 0) lines.push(`grant update (${update.join(', ')}) on ${spec.name} to ${ROLE};`);
    if (spec.deletes) lines.push(`grant delete on ${spec.name} to ${ROLE};`);
  }
  lines.push('');
  lines.push('-- The ledger: appended to in the transaction of the rows it records, marked reverted, never deleted.');
  for (const table of contract.ledger.tables) {
    const name = ledgerTableName(contract, table.name);
    const privileges = ['select', ...(table.privileges.insert ? ['insert'] : [])].join(', ');
    lines.push(`grant ${privileges} on ${name} to ${ROLE};`);
    if (table.privileges.update)
      lines.push(`grant update (${table.privileges.update.join(', ')}) on ${name} to ${ROLE};`);
  }
  return lines.join('\n');
}

export function renderRoleSql(contract: Contract): string {
  return `-- GENERATED from src/contract/contract.ts by \`npm run contract:render\`: edit the contract, not this file.
--
-- The rollout worker's privileges, and nothing more: exactly what the contract (docs/CONTRACT.md)
-- names. Run it as the database owner, in the target database, after \`rollout db install\`:
--   psql -d directus -f sql/roles/rollout_operator.sql
-- (plain SQL, no psql variables: any client can run it).
-- then give a login role (its password set by you, never kept in this repository) the role:
--   create role rollout_worker login password '...';   -- or \\password rollout_worker
--   grant ${ROLE} to rollout_worker;
-- The worker connects as rollout_worker (DATABASE_URL in its own environment).
--
-- Never granted, so PostgreSQL itself refuses them (permission denied, SQLSTATE 42501): any write to
-- a relation the contract marks sealed or read, any column of a written table the contract does not
-- name, any DELETE from or edit of the ledger (only reverted_at is ever set).

-- Roles are cluster-wide: created once, kept if it exists (the grants below are idempotent too).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = '${ROLE}') then
    create role ${ROLE} nologin;
  end if;
end $$;

do $$
begin
  execute format('grant connect on database %I to ${ROLE}', current_database());
end $$;

${renderGrants(contract)}
`;
}

function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function packetFacts(spec: RelationSpec): string {
  const facts: string[] = [];
  if (spec.triggers !== undefined) facts.push(`${spec.triggers} trigger${spec.triggers === 1 ? '' : 's'}`);
  if (spec.noCascade) facts.push('no cascading foreign key');
  if (spec.requiredRow)
    facts.push(`row ${spec.requiredRow.column} = the rollout's ${spec.requiredRow.input} must exist`);
  return facts.join('; ') || '—';
}

// What each write transaction may write, and how it is proven: src/steps (seed, scan, cursor, revert)
// declare exactly this, src/db/footprint.ts proves it.
const FOOTPRINT_DOC = [
  '## The footprint: what each write step may write, and how it is proven',
  '',
  'The target is live: other processes write `event_outbox` and `system_issues` all day and people ratify other',
  'proposals. The rollout never proves that whole tables stood still; it proves what its own transactions wrote.',
  "Before each write transaction commits, PostgreSQL's own accounting of that transaction",
  "(`pg_stat_xact_user_tables`, every table of every schema: a trigger's, a rule's or a cascade's writes",
  "included, and rows the worker's role cannot see) must equal the step's declared footprint, and the rows a " +
    'governance',
  'table received must equal the rows the ledger records. Anything else rolls the transaction back: nothing is',
  'written, and the reason names the table, the operation and the count (`FootprintViolated`). The proof costs the',
  "rollout's own rows, not the size of the tables around them.",
  '',
  ...table(
    ['transaction', 'may write (insert / update / delete), nothing else anywhere'],
    [
      [
        'seed',
        "governance_object_ownership: insert exactly the packet's 30 (`seed_rows`), the rows the ledger records; " +
          'ledger: 1 `written` + 1 `step_done`',
      ],
      [
        'scan',
        'governance_ruleset insert 0..1; candidate_state insert 0..5, candidate_object insert 0..35 (what the ' +
          'inventory covers; a re-run 0); candidate_scan_run insert exactly 1; each the rows the ledger records; ' +
          'ledger: 3..4 `written` + 1 `step_done`',
      ],
      ['cursor', 'scan_cursor update 0..1 (the compare-and-set); ledger: 0..1 `written` + 1 `step_done`'],
      [
        'each compensation',
        'delete exactly what its statements report from the rows the ledger records (scan_cursor: update 0..1), and ' +
          'none of them may remain; ledger: its entries marked reverted (update)',
      ],
    ],
  ),
  '',
  "After each step the packet's facts are measured, scoped as the packet states them: gov_emit counts " +
    'governance-domain',
  'events only (an index on `event_outbox (event_type)` makes that cost the governance events; without one the plan',
  "notes it), governance event types stay inactive, and the approvals of the rollout's APR are read, never written.",
  'The seed reads every number (own, gap, conflict, the resolution, coverage, ospa); the scan and the cursor read',
  "Phase 3's two alone, since their footprint proves they write none of the tables the others count.",
  "After a compensation, nothing the ledger records as the rollout's remains in any table.",
  '',
  "### Production's own script (`--seed-sql`)",
  '',
  "Its own BEGIN/COMMIT puts it outside the worker's transaction, so its footprint is proven after the fact, as far as",
  'PostgreSQL keeps a trace. **Proven:** its transaction is known by the `xmin` of the seed rows the ledger ' +
    'claims; every',
  "table whose cumulative write counters (`pg_stat_user_tables`, flushed when psql's session ends) moved while it ran",
  'is searched for rows carrying that transaction id: rows it inserted and new versions of rows it updated, in every',
  "schema the worker's role can read. Any such row outside the seed's footprint fails the step " +
    '(`WroteOutsideFootprint`):',
  "the seed's rows are compensated and the rollout ends FAILED naming the table, for people to undo the rest.",
  "**Not provable:** rows it deleted (a deleted row keeps no visible trace); tables the worker's role cannot read",
  '(listed as unprovable in the evidence); on a retry after a lost acknowledgement, which tables moved (then only the',
  'declared ones are searched); and the search costs a scan of each moved table, live ones included. The required',
  'clone rehearsal (`rollout db require-rehearsal`) covers the rest: the same script, by digest, completed on ' +
    'the clone',
  'with the same numbers and its footprint proven there.',
  '',
];

export function renderContractDoc(contract: Contract): string {
  const relationRows = contract.relations.map((r) => [
    `\`${r.name}\``,
    r.kind === 'table' ? 'table' : 'table or view',
    r.access,
    SCOPE_TEXT[r.scope],
    r.columns.map((c) => `\`${c.name}\` ${c.family}${c.use === 'read' ? '' : ` (${c.use})`}`).join(', ') ||
      'count only',
    (r.uniqueKeys ?? []).map((k) => `(${k.join(', ')})`).join(' ') || '—',
    r.ledgerKey ? `\`${r.ledgerKey}\`` : '—',
    packetFacts(r),
    r.why,
  ]);
  return [
    '<!-- GENERATED from src/contract/contract.ts by `npm run contract:render`: edit the contract, not this file. -->',
    '# The contract with the target database',
    '',
    `Contract version ${contract.version}. Everything the rollout reads or writes on the target, and the ` +
      `packet's facts about it.`,
    '`rollout plan` checks it against the live catalog before the gate, and the workflow checks it again after ' +
      'the gate',
    'is accepted and before the first write (the preflight): any gap is a NO-GO that names the object, and nothing is',
    'written. The grants of `sql/roles/rollout_operator.sql` come from the same source.',
    '',
    '## Checking production before the gate',
    '',
    '1. As the database owner, once: `rollout db install` — creates only the schema `governed_rollout` (the ledger',
    '   below); no governance table is touched. Then `psql -d directus -f sql/roles/rollout_operator.sql` and a login',
    '   granted `rollout_operator` for the worker (README).',
    '2. `rollout plan --apr APR-BOOT-AUTHMODEL-1 [--scan ...] [--seed-sql FILE] --worker-role rollout_worker`: ' +
      'exit 0 GO,',
    '   2 NO-GO. The plan sees the database as the worker will meet it: with `--worker-role` (run by a member of',
    "   that role, e.g. the owner) it takes the worker's role and the search_path its sessions get (ALTER ROLE ... IN",
    '   DATABASE, ALTER ROLE, ALTER DATABASE) for its read-only transaction; run by the worker itself it is already',
    "   so. Names resolve, privileges hold and row level security applies exactly as for the rollout's statements,",
    '   and the preflight after the gate runs the very same checks as the worker. (A search_path the worker sets',
    '   through PGOPTIONS is not visible to the owner: plan as the worker then.) Every line under "contract" names',
    '   an object, schema-qualified, what is missing or different, and what to do:',
    '',
    '       NO-GO  public.governance_object_ownership.reviewed_by: is NOT NULL without a default, and the ' +
      'rollout does not fill it; ...',
    '       NO-GO  scan_cursor: relation is missing for role rollout_worker (search_path "$user", public); it ' +
      'exists as ops.scan_cursor; ...',
    "       NO-GO  public.candidate_state trigger file_state: fires on the rollout's writes; whatever it writes " +
      "is outside the step's footprint ...",
    '       NO-GO  public.governance_domain: row level security applies to role rollout_worker (policies ' +
      'stewards); ...',
    '       NO-GO  public.governance_object_ownership.created_by: character varying(16) is narrower than the 24 ' +
      'characters the rollout writes (...)',
    '       NO-GO  schema governed_rollout: the ledger is not installed; run `rollout db install` as the ' +
      'database owner, once',
    '       note   public.system_issues triggers: carries 8 trigger(s) (...), the packet says 9; the rollout ' +
      'never writes it; ...',
    '',
    "   What is checked, per relation in scope: that it resolves on the worker's search_path (any schema will do);",
    '   its kind; every column the rollout reads or writes, its type family, its width against the values the steps',
    "   will write (the packet's literals, the input's fields, the longest value of the target's own data), and the",
    "   worker's privilege per column and operation; NOT NULL columns the rollout does not fill; row level security",
    '   applying to the worker; the unique keys the rollout relies on, and unknown unique keys over columns it writes;',
    '   on written tables, every trigger and rule (each a NO-GO unless the contract lists it as known and harmless)',
    '   and every foreign key a delete or update would cascade into a table the rollout does not write; the',
    '   functions; the ledger. A `note` does not block: a packet fact that changed on a relation the rollout never',
    '   writes, or a missing index that makes a check cost the table.',
    '3. Only when the plan says GO: `rollout start`, and people open the gate.',
    '',
    '## Relations',
    '',
    'Access: **read** — only read; **write** — written, and undone by the compensation; **sealed** — the packet ' +
      'forbids',
    'any write; every write transaction proves it wrote no row there (its footprint, below). Type families: text',
    '(any string type), integer (int2/4/8), numeric (any number type), boolean, timestamp, json (json/jsonb). A',
    'written table may have other columns only if they are nullable or have a default: the rollout fills only the',
    "columns marked insert. With `--seed-sql`, production's own script decides which ownership columns it fills.",
    '',
    ...table(
      [
        'relation',
        'kind',
        'access',
        'needed',
        'columns',
        'unique keys relied on',
        'ledger key',
        "packet's facts",
        'why',
      ],
      relationRows,
    ),
    '',
    '## Functions and server',
    '',
    ...table(
      ['function', 'why'],
      contract.functions.map((f) => [`\`${f.signature}\``, f.why]),
    ),
    '',
    `PostgreSQL with server_version_num at least ${contract.minServerVersionNum}.`,
    '',
    ...FOOTPRINT_DOC,
    "## The ledger (the rollout's own schema)",
    '',
    `Schema \`${contract.ledger.schema}\`, version ${contract.ledger.version}, installed by \`rollout db ` +
      `install\` (\`sql/ledger/install.sql\`).`,
    'No governance table carries a column of the rollout: which rollout wrote which rows is recorded here, set-based,',
    'in the same transaction as the rows themselves (one entry per relation and step, the ledger keys as one array).',
    "A retry after a lost acknowledgement reads its own rollout's entries; a compensation deletes exactly the rows",
    "they name and marks them reverted; entries are never deleted. The packet's hand rollback",
    "(`DELETE FROM governance_object_ownership WHERE created_by='F6_OWNERSHIP_SEED_COMMIT'`) keeps working.",
    '',
    ...table(
      ['table', 'the worker may'],
      contract.ledger.tables.map((t) => [
        `\`${ledgerTableName(contract, t.name)}\``,
        [
          'select',
          ...(t.privileges.insert ? ['insert'] : []),
          ...(t.privileges.update ? [`update (${t.privileges.update.join(', ')})`] : []),
        ].join(', '),
      ]),
    ),
    '',
  ].join('\n');
}
