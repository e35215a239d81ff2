-- GENERATED from src/contract/contract.ts by `npm run contract:render`: edit the contract, not this file.
--
-- The rollout worker's privileges, and nothing more: exactly what the contract (docs/CONTRACT.md)
-- names. Run it as the database owner, in the target database, after `rollout db install`:
--   psql -d directus -f sql/roles/rollout_operator.sql
-- (plain SQL, no psql variables: any client can run it).
-- then give a login role (its password set by you, never kept in this repository) the role:
--   create role rollout_worker login password '...';   -- or \password rollout_worker
--   grant rollout_operator to rollout_worker;
-- The worker connects as rollout_worker (DATABASE_URL in its own environment).
--
-- Never granted, so PostgreSQL itself refuses them (permission denied, SQLSTATE 42501): any write to
-- a relation the contract marks sealed or read, any column of a written table the contract does not
-- name, any DELETE from or edit of the ledger (only reverted_at is ever set).

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
grant usage on schema governed_rollout to rollout_operator;

-- os_proposal_approvals (sealed, every rollout): the sovereign gate: ospa = approval rows for the APR; only people write them
grant select on os_proposal_approvals to rollout_operator;
-- governance_domain (read, the bundled seed only): the bundled seed script's source: one ownership row per domain, owned by its steward
grant select on governance_domain to rollout_operator;
-- governance_object_ownership (write, every rollout): Phase 1 seed: 0→30 rows marked created_by='F6_OWNERSHIP_SEED_COMMIT'; its compensation deletes exactly those
grant select on governance_object_ownership to rollout_operator;
grant insert (object_ref, owner_role, ratified_apr, created_by) on governance_object_ownership to rollout_operator;
grant delete on governance_object_ownership to rollout_operator;
-- v_governance_object_inventory (read, every rollout): the governed inventory: snapshot hash, scan candidates (its definition renders differently after a dump-reload: irrelevant)
grant select on v_governance_object_inventory to rollout_operator;
-- v_object_owner_gap (read, every rollout): gap: governed objects with no owner (210→0)
grant select on v_object_owner_gap to rollout_operator;
-- v_object_owner_conflict (read, every rollout): conflict: contradicting owners (stays 0)
grant select on v_object_owner_conflict to rollout_operator;
-- v_owner_coverage (read, every rollout): resolution: 30 direct + 210 inherited, coverage 100 %
grant select on v_owner_coverage to rollout_operator;
-- event_type_registry (sealed, every rollout): Phase 3 stays manual: governance event types stay active=false
grant select on event_type_registry to rollout_operator;
-- event_outbox (sealed, every rollout): gov_emit stays 0; not inert (fn_event_type_validate trigger): never written
grant select on event_outbox to rollout_operator;
-- system_issues (sealed, every rollout): not inert (9 triggers): never written, never bulk-written by a scan
grant select on system_issues to rollout_operator;
-- source_snapshot (read, with --scan): the snapshot ref a scan starts from: recorded inventory hash and count
grant select on source_snapshot to rollout_operator;
-- governance_ruleset (write, with --scan): Phase 2: the ruleset seeded by its natural key (code, version)
grant select on governance_ruleset to rollout_operator;
grant insert (ruleset_code, version, definition) on governance_ruleset to rollout_operator;
grant delete on governance_ruleset to rollout_operator;
-- candidate_state (write, with --scan): Phase 2 scanner write-half: 5 rows per ruleset version, natural-key upsert
grant select on candidate_state to rollout_operator;
grant insert (ruleset_id, domain_code, state, object_count) on candidate_state to rollout_operator;
grant delete on candidate_state to rollout_operator;
-- candidate_object (write, with --scan): Phase 2 scanner write-half: 35 rows per ruleset version, natural-key upsert
grant select on candidate_object to rollout_operator;
grant insert (candidate_state_id, object_ref, object_type) on candidate_object to rollout_operator;
grant delete on candidate_object to rollout_operator;
-- candidate_scan_run (write, with --scan): Phase 2 is bounded: the one table a scan appends one row to per run
grant select on candidate_scan_run to rollout_operator;
grant insert (ruleset_id, snapshot_ref) on candidate_scan_run to rollout_operator;
grant delete on candidate_scan_run to rollout_operator;
-- scan_cursor (write, with --scan): the guarded cursor advance (compare-and-set) and its revert
grant select on scan_cursor to rollout_operator;
grant update (snapshot_ref) on scan_cursor to rollout_operator;

-- The ledger: appended to in the transaction of the rows it records, marked reverted, never deleted.
grant select on governed_rollout.ledger_version to rollout_operator;
grant select, insert on governed_rollout.written to rollout_operator;
grant update (reverted_at) on governed_rollout.written to rollout_operator;
grant select, insert on governed_rollout.step_done to rollout_operator;
grant update (reverted_at) on governed_rollout.step_done to rollout_operator;
grant select, insert on governed_rollout.step_started to rollout_operator;
grant select, insert on governed_rollout.evidence to rollout_operator;
grant select on governed_rollout.policy to rollout_operator;
