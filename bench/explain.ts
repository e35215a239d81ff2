// EXPLAIN ANALYZE of every query a guard or a verification reads, at the state it reads it in.
import type { PoolClient } from '../src/db/pool';
import { sqlFile } from '../src/db/sql';
import type { Ruleset } from '../src/shared/input';

export interface Plan {
  name: string;
  ms: number;
  plan: string;
}

// The seed guard's reads (sql/commit_ready_f6_ownership_seed.sql, section guard), one by one.
const GUARD: [string, string][] = [
  ['guard: ospa', 'select count(*) from os_proposal_approvals where proposal_code = $1'],
  ['guard: gap', 'select count(*) from v_object_owner_gap'],
  ['guard: own', 'select count(*) from governance_object_ownership'],
  ['guard: conflict', 'select count(*) from v_object_owner_conflict'],
];

async function explain(client: PoolClient, name: string, sql: string, params: readonly unknown[] = []): Promise<Plan> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers, costs off) ${sql}`,
    params.length > 0 ? (params as unknown[]) : undefined,
  );
  // A ruleset's thousands of domain codes would bury the plan: keep the first few.
  const plan = rows
    .map((r) => r['QUERY PLAN'].replace(/'\{((?:[^,}]+,){3})[^}]{200,}\}'/g, (_, head: string) => `'{${head}...}'`))
    .join('\n');
  const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
  return { name, ms, plan };
}

/** Before the seed: what the seed guard, the baseline measure, the snapshot check and the scan's expectation read. */
export async function explainBaseline(client: PoolClient, apr: string, ruleset: Ruleset): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const [name, sql] of GUARD) plans.push(await explain(client, name, sql, name === 'guard: ospa' ? [apr] : []));
  plans.push(await explain(client, 'metrics/measure.sql (baseline)', sqlFile('metrics/measure.sql').text, [apr, true]));
  plans.push(await explain(client, 'snapshot/inventory.sql', sqlFile('snapshot/inventory.sql').text));
  plans.push(await explain(client, 'scan/expect.sql', sqlFile('scan/expect.sql').text, [ruleset.domains]));
  return plans;
}

/**
 * After the seed: the verification's measure, and the scanner's write-half inside a transaction that is rolled back. */
export async function explainSeeded(client: PoolClient, apr: string, ruleset: Ruleset): Promise<Plan[]> {
  const plans: Plan[] = [];
  plans.push(
    await explain(client, 'metrics/measure.sql (after seed)', sqlFile('metrics/measure.sql').text, [apr, true]),
  );
  plans.push(await explain(client, 'guard: gap (after seed)', 'select count(*) from v_object_owner_gap'));
  plans.push(await explain(client, 'guard: conflict (after seed)', 'select count(*) from v_object_owner_conflict'));
  await client.query('begin');
  try {
    const rollout = 'bench/explain';
    const seeded = await client.query<{ ruleset_id: string }>(sqlFile('scan/ruleset_apply.sql').text, [
      ruleset.code,
      ruleset.version,
      JSON.stringify(ruleset),
      rollout,
    ]);
    const id = Number(seeded.rows[0]?.ruleset_id);
    plans.push(
      await explain(client, 'scan/apply_states.sql', sqlFile('scan/apply_states.sql').text, [
        id,
        ruleset.domains,
        ruleset.state,
        rollout,
      ]),
    );
    plans.push(await explain(client, 'scan/apply_objects.sql', sqlFile('scan/apply_objects.sql').text, [id, rollout]));
  } finally {
    await client.query('rollback');
  }
  return plans;
}
