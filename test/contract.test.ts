// The contract is written once: the operators' page and the role's grants are rendered from it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contractFindings, fitsFamily, type Catalog, type CatalogRelation } from '../src/contract/check';
import { CONTRACT, relationsInScope } from '../src/contract/contract';
import { renderContractDoc, renderRoleSql } from '../src/contract/render';
import { writtenValues } from '../src/contract/values';
import { RolloutInput } from '../src/shared';

const INPUT = RolloutInput.parse({
  target: 't',
  apr: 'APR-BOOT-AUTHMODEL-1',
  scan: {
    ruleset: { code: 'RS-OWNERSHIP-COVERAGE', version: 1, state: 'candidate', domains: ['GD01'] },
    snapshotRef: 'SNAP-20260102T030405Z-0123abcd',
  },
});
import { REPO } from './support/cli';

const read = (...parts: string[]) => readFileSync(path.join(REPO, ...parts), 'utf8');

/** A catalog that matches the contract to the letter, for the pure checks to break one piece at a time. */
function matchingCatalog(): Catalog {
  const column = (name: string, family: string) => ({
    name,
    type: family,
    typname:
      { text: 'text', integer: 'int8', numeric: 'numeric', boolean: 'bool', timestamp: 'timestamptz', json: 'jsonb' }[
        family
      ] ?? 'text',
    category: { text: 'S', integer: 'N', numeric: 'N', boolean: 'B', timestamp: 'D', json: 'U' }[family] ?? 'S',
    notNull: false,
    hasDefault: false,
    select: true,
    insert: true,
    update: true,
  });
  const relations: CatalogRelation[] = CONTRACT.relations.map((r) => ({
    name: r.name,
    found: true,
    relkind: 'r',
    columns: r.columns.map((c) => column(c.name, c.family)),
    uniqueKeys: [...(r.uniqueKeys ?? []), ...(r.knownUniqueKeys ?? [])],
    indexes: (r.lookups ?? []).map((l) => l.columns),
    triggers: Array.from({ length: r.triggers ?? 0 }, (_, i) => `trg_${i}`),
    cascades: [],
    select: true,
    delete: true,
  }));
  for (const t of CONTRACT.ledger.tables) {
    relations.push({
      name: `governed_rollout.${t.name}`,
      found: true,
      relkind: 'r',
      columns: [column('reverted_at', 'timestamp')],
      uniqueKeys: [],
      indexes: [],
      triggers: [],
      cascades: [],
      select: true,
      delete: false,
    });
  }
  return {
    serverVersionNum: 150000,
    role: 'rollout_worker',
    roleExists: true,
    relations,
    functions: Object.fromEntries(CONTRACT.functions.map((f) => [f.signature, true])),
    schemaUsage: { public: true, governed_rollout: true },
    ledgerVersion: 1,
  };
}

const ALL = { scan: true, seedScript: false };

function relation(catalog: Catalog, name: string): CatalogRelation {
  const found = catalog.relations.find((r) => r.name === name);
  if (!found) throw new Error(name);
  return found;
}

describe('the contract, written once', () => {
  test('docs/CONTRACT.md and sql/roles/rollout_operator.sql are rendered from it (npm run contract:render)', () => {
    expect(read('docs', 'CONTRACT.md')).toBe(renderContractDoc(CONTRACT));
    expect(read('sql', 'roles', 'rollout_operator.sql')).toBe(renderRoleSql(CONTRACT));
  });

  test("gov_emit's lookup without an index is a note, never a NO-GO", () => {
    const catalog = matchingCatalog();
    relation(catalog, 'event_outbox').indexes = [['event_id']];
    expect(contractFindings(CONTRACT, catalog, ALL)).toEqual([
      expect.objectContaining({
        object: 'event_outbox (event_type)',
        problem: 'has no index leading with these columns',
        severity: 'note',
      }),
    ]);
  });

  test('a catalog that matches has no finding; every written relation has a ledger key', () => {
    expect(contractFindings(CONTRACT, matchingCatalog(), ALL, writtenValues(CONTRACT, ALL, INPUT).values)).toEqual([]);
    for (const r of CONTRACT.relations.filter((x) => x.access === 'write')) expect(r.ledgerKey).toBeDefined();
  });

  test('each kind of gap is one NO-GO naming the object and what to do', () => {
    const cases: [string, (c: Catalog) => void, RegExp][] = [
      [
        'missing relation',
        (c) => (relation(c, 'source_snapshot').found = false),
        /^source_snapshot: relation is missing/,
      ],
      [
        'missing column',
        (c) => (relation(c, 'scan_cursor').columns = relation(c, 'scan_cursor').columns.slice(0, 1)),
        /^scan_cursor\.snapshot_ref: column is missing; the rollout updates it/,
      ],
      [
        'wrong type',
        (c) => (relation(c, 'governance_ruleset').columns[2]!.typname = 'text'),
        /^governance_ruleset\.version: has type integer, not a integer type/,
      ],
      [
        'NOT NULL without default',
        (c) =>
          relation(c, 'governance_object_ownership').columns.push({
            ...relation(c, 'governance_object_ownership').columns[0]!,
            name: 'reviewed_by',
            notNull: true,
          }),
        /^governance_object_ownership\.reviewed_by: is NOT NULL without a default/,
      ],
      [
        'missing unique key',
        (c) => (relation(c, 'candidate_state').uniqueKeys = [['candidate_state_id']]),
        /^candidate_state \(ruleset_id, domain_code\): has no unique key/,
      ],
      [
        'an unknown unique key over written columns',
        (c) => relation(c, 'candidate_object').uniqueKeys.push(['object_ref']),
        new RegExp(
          /^candidate_object \(object_ref\): is a unique key over columns the rollout writes that the /.source +
            /contract does not know; its rows could fail with a duplicate key/.source,
        ),
      ],
      [
        'a trigger on a written table',
        (c) => (relation(c, 'governance_object_ownership').triggers = ['trg_audit']),
        new RegExp(
          /^governance_object_ownership trigger trg_audit: fires on the rollout's writes; whatever it /.source +
            /writes is outside the step's footprint/.source,
        ),
      ],
      [
        'a rule on a written table',
        (c) => (relation(c, 'candidate_scan_run').rules = ['log_runs']),
        /^candidate_scan_run rule log_runs: rewrites the rollout's writes/,
      ],
      [
        'row level security for the worker',
        (c) => Object.assign(relation(c, 'v_owner_coverage'), { rowSecurity: true, policies: ['mine'] }),
        new RegExp(
          /^v_owner_coverage: row level security applies to role rollout_worker \(policies mine\); the/.source +
            / rollout must see every row/.source,
        ),
      ],
      [
        'a cascade into a table the rollout does not write',
        (c) => (relation(c, 'candidate_state').cascades = ['public.state_history (fk)']),
        /^candidate_state foreign keys: a change cascades into public.state_history \(fk\)/,
      ],
      [
        "a column narrower than the packet's marker",
        (c) => (relation(c, 'governance_object_ownership').columns[3]!.maxLength = 16),
        new RegExp(
          /^governance_object_ownership\.created_by: text is narrower than the 24 characters the rollo/.source +
            /ut writes \('F6_OWNERSHIP_SEED_COMMIT'\)/.source,
        ),
      ],
      [
        'a cascade',
        (c) => (relation(c, 'governance_object_ownership').cascades = ['owner_history (fk)']),
        /^governance_object_ownership foreign keys: a change cascades into owner_history/,
      ],
      [
        'no privilege',
        (c) => (relation(c, 'candidate_object').delete = false),
        /^candidate_object: role rollout_worker may not DELETE/,
      ],
      [
        'missing ledger',
        (c) => (c.ledgerVersion = null),
        /^schema governed_rollout: the ledger is not installed; run `rollout db install`/,
      ],
      [
        'missing function',
        (c) => (c.functions['hashtextextended(text,bigint)'] = false),
        /^function hashtextextended\(text,bigint\): is missing/,
      ],
    ];
    for (const [name, breakIt, expected] of cases) {
      const catalog = matchingCatalog();
      breakIt(catalog);
      const findings = contractFindings(CONTRACT, catalog, ALL, writtenValues(CONTRACT, ALL, INPUT).values).filter(
        (f) => f.severity === 'no-go',
      );
      expect({ name, lines: findings.map((f) => `${f.object}: ${f.problem}; ${f.fix}`) }).toEqual({
        name,
        lines: [expect.stringMatching(expected)],
      });
    }
  });

  test('a changed trigger count on a sealed table is a note, not a NO-GO', () => {
    const catalog = matchingCatalog();
    relation(catalog, 'system_issues').triggers = ['a', 'b'];
    expect(contractFindings(CONTRACT, catalog, ALL)).toEqual([
      expect.objectContaining({ object: 'system_issues triggers', severity: 'note' }),
    ]);
  });

  test('scope: Phase 2 relations only with --scan; the bundled seed source only without --seed-sql', () => {
    const names = (scope: { scan: boolean; seedScript: boolean }) =>
      relationsInScope(CONTRACT, scope).map((r) => r.name);
    expect(names({ scan: false, seedScript: false })).not.toContain('scan_cursor');
    expect(names({ scan: true, seedScript: false })).toContain('scan_cursor');
    expect(names({ scan: false, seedScript: true })).not.toContain('governance_domain');
    // The operator's own script decides its insert: an extra NOT NULL column is its business.
    const catalog = matchingCatalog();
    relation(catalog, 'governance_object_ownership').columns.push({
      ...relation(catalog, 'governance_object_ownership').columns[0]!,
      name: 'reviewed_by',
      notNull: true,
    });
    expect(contractFindings(CONTRACT, catalog, { scan: false, seedScript: true })).toEqual([]);
  });

  test('type families follow pg_type', () => {
    expect(fitsFamily({ typname: 'varchar', category: 'S' }, 'text')).toBe(true);
    expect(fitsFamily({ typname: 'int4', category: 'N' }, 'integer')).toBe(true);
    expect(fitsFamily({ typname: 'numeric', category: 'N' }, 'integer')).toBe(false);
    expect(fitsFamily({ typname: 'jsonb', category: 'U' }, 'json')).toBe(true);
  });
});
