-- The rollout worker's privileges, and nothing more: exactly what src/activities/ and the sql/ files
-- they run need. Run it as the database owner, in the target database:
--   psql -d directus -f sql/roles/rollout_operator.sql
-- (plain SQL, no psql variables: any client can run it).
-- then give a login role (its password set by you, never kept in this repository) the role:
--   create role rollout_worker login password '...';   -- or \password rollout_worker
--   grant rollout_operator to rollout_worker;
-- The worker connects as rollout_worker (DATABASE_URL in its own environment).
--
-- Never granted, so PostgreSQL itself refuses them (permission denied, SQLSTATE 42501):
-- any write to os_proposal_approvals (only people ratify), UPDATE of event_type_registry (Phase 3 stays
-- manual), any write to event_outbox or system_issues (not inert: triggers), any change to the
-- inventory (governance_domain, governed_object) or to source_snapshot.

-- Roles are cluster-wide: created once, kept if it exists (the grants below are idempotent too).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'rollout_operator') then
    create role rollout_operator nologin;
  end if;
end $$;

do $$
begin
  execute format('grant connect on database %I to rollout_operator', current_database());
end $$;
grant usage on schema public to rollout_operator;

-- Reads: the gate, the packet's metrics, the inventory a scan covers, snapshots, the cursor.
grant select on
  os_proposal_approvals,
  governance_domain,
  governed_object,
  governance_object_ownership,
  v_governance_object_inventory,
  v_object_owner_gap,
  v_object_owner_conflict,
  v_owner_coverage,
  event_type_registry,
  event_outbox,
  source_snapshot,
  scan_cursor,
  governance_ruleset,
  candidate_state,
  candidate_object,
  candidate_scan_run
to rollout_operator;

-- Phase 1: the ownership seed and its rollback.
grant insert, delete on governance_object_ownership to rollout_operator;

-- Phase 2: ruleset seed, scanner write-half, its run log, and their FK-ordered rollback.
grant insert, delete on governance_ruleset, candidate_state, candidate_object, candidate_scan_run to rollout_operator;

-- The cursor's guarded compare-and-set and its revert; its name (the key) stays as it is.
grant update (snapshot_ref, previous_snapshot_ref, advanced_by_rollout, advanced_at) on scan_cursor to rollout_operator;
