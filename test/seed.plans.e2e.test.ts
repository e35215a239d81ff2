// The seed's compensation, its remains check and the script path's xids meet the ownership table as it is
// just after the seed committed: rows the planner has not counted yet. Each must find the ledger's keys by
// key and test created_by as a filter: planned through the created_by index, AND-ed with the key's for every
// key, a statement reads every seed row once per key (over six minutes at 142,858 seed rows).
import { initFixture } from '../src/fixture/init';
import { scaledFixture } from '../src/fixture/scale';
import { withTransaction } from '../src/db/pool';
import { sqlFile } from '../src/db/sql';
import { stepNamed } from '../src/steps';
import { APR, count, freshDatabase, ratify, type TestDatabase } from './support/db';

const DOMAINS = 2_000;
const ROLLOUT = 'plans/seed';

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** Every index or recheck condition of a plan, with the node that holds it. */
function conditions(node: PlanNode): string[] {
  const own = ['Index Cond', 'Recheck Cond']
    .filter((key) => typeof node[key] === 'string')
    .map((key) => `${String(node['Node Type'])}: ${String(node[key])}`);
  return [...own, ...(node.Plans ?? []).flatMap(conditions)];
}

describe("the seed's ledger-keyed statements, on a table the planner has not counted since the seed", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await freshDatabase(null);
    await initFixture(db.pool, { domains: DOMAINS });
    await ratify(db.pool);
    await db.pool.query('vacuum analyze');
    // As in the minute after a seed: autovacuum has not analyzed what the seed inserted.
    await db.pool.query('alter table governance_object_ownership set (autovacuum_enabled = false)');
    const { expected } = scaledFixture(DOMAINS);
    await stepNamed('seed').apply({
      pool: db.pool,
      rolloutId: ROLLOUT,
      input: { target: db.name, apr: APR, expected },
    });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  test.each(['seed/revert.sql', 'seed/remains.sql', 'seed/script_xids.sql'])(
    '%s tests created_by as a filter, never as an index condition',
    async (file) => {
      const plan = await withTransaction(db.pool, async (client) => {
        await client.query("select set_config('governed_rollout.rollout_id', $1, true)", [ROLLOUT]);
        const text = sqlFile(file).text.replace(/\$1/g, `'${ROLLOUT}'`);
        const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${text}`);
        return rows[0]?.['QUERY PLAN'][0].Plan;
      });
      expect(plan).toBeDefined();
      expect(conditions(plan as PlanNode).filter((c) => c.includes('created_by'))).toEqual([]);
    },
  );

  test('the compensation deletes every seed row, and nothing remains', async () => {
    const undone = await stepNamed('seed').revert({
      pool: db.pool,
      rolloutId: ROLLOUT,
      input: { target: db.name, apr: APR, expected: scaledFixture(DOMAINS).expected },
    });
    expect(undone.undone).toBe(DOMAINS);
    expect(await count(db.pool, 'select count(*) as n from governance_object_ownership')).toBe(0);
  });
});
