// The plan sees the database as the worker will meet it: its role, its search_path, its privileges, its
// row level security. Each production-shaped difference is a NO-GO naming the object, whether the owner
// plans with --worker-role or the worker plans itself, and a rollout started anyway ends FAILED at its
// preflight with nothing written. A layout that differs compatibly runs to COMPLETED.
import path from 'node:path';
import { createPool, type Pool } from '../src/db/pool';
import { envFor, lastLine, REPO, rollout } from './support/cli';
import { APR, count, fingerprint, ratify, takeSnapshot } from './support/db';
import { CLONE_SCAN_RULESET, useHarness } from './support/harness';
import { asAdmin, useOperatorLogin } from './support/roles';
import { PACKET_SEEDED, PACKET_STEP_DETAILS } from './support/packet';

const RULESET = path.join(REPO, 'examples', 'ruleset.clone.json');

interface Difference {
  name: string;
  /** What the target's owner did differently from our fixture ($LOGIN: the worker's login, $DB: the database). */
  change: string;
  /** The owner's own plan, without --worker-role, would not see it (it is the worker's view that differs). */
  workerOnly?: boolean;
  /** The NO-GO line the plan prints and the preflight's reason names. */
  names: RegExp;
}

const DIFFERENCES: Difference[] = [
  {
    name: "a table outside the worker's search_path",
    change: `create schema ops; alter table scan_cursor set schema ops;
             alter database $DB set search_path = "$user", public, ops;
             alter role $LOGIN in database $DB set search_path = "$user", public`,
    workerOnly: true,
    names: new RegExp(
      /NO-GO {2}scan_cursor: relation is missing for role ro_login_\w+ \(search_path "\$user", pub/.source +
        /lic\); it exists as ops\.scan_cursor; the rollout needs it .*put its schema on the worker's/.source +
        / search_path/.source,
    ),
  },
  {
    name: 'an extra unique key over columns the scan writes',
    change: 'alter table candidate_object add constraint candidate_object_ref_key unique (object_ref)',
    names: new RegExp(
      /NO-GO {2}public\.candidate_object \(object_ref\): is a unique key over columns the rollout /.source +
        /writes that the contract does not know/.source,
    ),
  },
  {
    name: "a column narrower than the packet's marker",
    change: 'alter table governance_object_ownership alter column created_by type varchar(16)',
    names: new RegExp(
      /NO-GO {2}public\.governance_object_ownership\.created_by: character varying\(16\) is narrow/.source +
        /er than the 24 characters the rollout writes \('F6_OWNERSHIP_SEED_COMMIT'\)/.source,
    ),
  },
  {
    name: "a column narrower than the target's own data",
    change: 'alter table candidate_object alter column object_type type varchar(3)',
    names: new RegExp(
      /NO-GO {2}public\.candidate_object\.object_type: character varying\(3\) is narrower than the/.source +
        / \d+ characters the rollout writes \(the longest v_governance_object_inventory\.object_type/.source +
        /\)/.source,
    ),
  },
  {
    name: 'a trigger on a written table',
    change: `create function file_state() returns trigger language plpgsql as $$
               begin insert into system_issues (title) values ('state'); return new; end $$;
             create trigger file_state after insert on candidate_state for each row execute function file_state()`,
    names: /NO-GO {2}public\.candidate_state trigger file_state: fires on the rollout's writes/,
  },
  {
    name: 'a rule on a written table',
    change:
      'create rule log_runs as on insert to candidate_scan_run do also insert into system_issues (title) values ' +
      "('scan run')",
    names: /NO-GO {2}public\.candidate_scan_run rule log_runs: rewrites the rollout's writes/,
  },
  {
    name: 'row level security on a relation the seed reads',
    change: `alter table governance_domain enable row level security;
             create policy stewards on governance_domain for select using (steward_role = current_user)`,
    workerOnly: true,
    names: /NO-GO {2}public\.governance_domain: row level security applies to role ro_login_\w+ \(policies stewards\)/,
  },
  {
    name: 'a foreign key that cascades out of a written table',
    change: 'create table owner_history (ownership_id bigint references governance_object_ownership on delete cascade)',
    names: /NO-GO {2}public\.governance_object_ownership foreign keys: a change cascades into owner_history/,
  },
  {
    name: 'a column privilege the worker lacks',
    change: 'revoke insert (created_by) on governance_object_ownership from rollout_operator',
    workerOnly: true,
    names: /NO-GO {2}public\.governance_object_ownership\.created_by: role ro_login_\w+ may not INSERT it/,
  },
];

describe('the plan as the worker meets the database', () => {
  const harness = useHarness();
  const operator = useOperatorLogin();

  test.each(DIFFERENCES)(
    '$name: NO-GO as owner and as worker, FAILED at the preflight, nothing written',
    async ({ change, workerOnly, names }) => {
      const h = await harness({ worker: false });
      const login = await operator(h.db.name);
      await h.ratify();
      const snapshotRef = await takeSnapshot(h.db.pool);
      await asAdmin(h.db.name, change.replace(/\$LOGIN/g, login.name).replace(/\$DB/g, h.db.name));
      const before = await fingerprint(h.db.pool);
      const args = ['plan', '--apr', APR, '--scan', '--ruleset', RULESET, '--snapshot-ref', snapshotRef];

      const asOwner = await rollout([...args, '--worker-role', login.name], envFor(h.db));
      const asWorker = await rollout(args, { ...envFor(h.db), DATABASE_URL: login.url });
      for (const plan of [asOwner, asWorker]) {
        expect(plan.stderr).toBe('');
        expect(plan.code).toBe(2);
        expect(lastLine(plan.stdout)).toBe('NO-GO');
        expect(plan.stdout).toMatch(names);
      }
      // The owner's own view of the database differs: only the worker's view shows it.
      if (workerOnly) expect((await rollout(args, envFor(h.db))).stdout).not.toMatch(names);

      await h.startWorker(undefined, login.pool);
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
      expect(final.state).toBe('FAILED');
      expect(final.reason).toMatch(/^preflight refused, nothing written: /);
      expect(`NO-GO  ${final.reason ?? ''}`).toMatch(new RegExp(names.source.replace(/^NO-GO \{2\}/, '')));
      expect(final.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(await count(h.db.pool, 'select count(*) as n from governed_rollout.written')).toBe(0);
      expect(await fingerprint(h.db.pool)).toEqual(before);
    },
  );

  test("a compatible layout (all in schema gov, on the worker's search_path) runs to COMPLETED", async () => {
    const h = await harness({ worker: false });
    const login = await operator(h.db.name);
    await asAdmin(
      h.db.name,
      `
      create schema gov;
      grant usage on schema gov to rollout_operator;
      do $$ declare r record; begin
        for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = 'public' and c.relkind in ('r', 'v') order by c.relkind loop
          execute format(case r.relkind when 'r' then 'alter table public.%I set schema gov'
                                        else 'alter view public.%I set schema gov' end, r.relname);
        end loop;
      end $$;
      alter role ${login.name} set search_path = gov, public;`,
    );
    // The owner's own session, on the same layout.
    const owner: Pool = createPool(h.db.url, { options: '-c search_path=gov,public' });
    try {
      await ratify(owner);
      const snapshotRef = await takeSnapshot(owner);
      expect(await count(h.db.pool, "select count(*) as n from pg_tables where schemaname = 'public'")).toBe(0);

      const plan = await rollout(
        [
          'plan',
          '--apr',
          APR,
          '--scan',
          '--ruleset',
          RULESET,
          '--snapshot-ref',
          snapshotRef,
          '--worker-role',
          login.name,
        ],
        envFor(h.db),
      );
      expect(plan.stdout).toMatch(/GO {5}\d+ relations/);
      expect(plan.code).toBe(0);

      await h.startWorker(undefined, login.pool);
      const final = await h.run({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef } });
      expect(final.state).toBe('COMPLETED');
      expect(final.metrics).toMatchObject(PACKET_SEEDED);
      expect(final.steps.map((s) => s.detail)).toMatchObject(PACKET_STEP_DETAILS);
      expect(await count(owner, 'select count(*) as n from gov.candidate_object')).toBe(35);
    } finally {
      await owner.end();
    }
  });
});
