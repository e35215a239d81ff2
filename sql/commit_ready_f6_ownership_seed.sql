-- Phase 1 ownership seed (packet step G), self-guarding.
--
-- By hand, exactly as the packet says (the file is self-contained so it can be piped on stdin):
--   psql -v ratified_apr=<APR-CODE> -f sql/commit_ready_f6_ownership_seed.sql
--   ssh contabo docker exec -i postgres psql -U workflow_admin -d directus -v ratified_apr=<APR-CODE> -f - < sql/commit_ready_f6_ownership_seed.sql
-- Aborts, writing nothing, unless ospa>=1 AND gap=210 AND own=0 AND conflict=0.
-- Rollback: DELETE FROM governance_object_ownership WHERE created_by='F6_OWNERSHIP_SEED_COMMIT'  (gap back to 210)
--
-- The rollout workflow's seed activity runs the "-- @section" blocks below verbatim, inside its own
-- transaction, after setting the same f6.* settings from bound parameters: this file is the only copy.
-- (Production's own script, without these markers, runs whole through psql: rollout start --seed-sql.)
-- Sections read their inputs with current_setting() because psql does not interpolate :'vars' inside
-- dollar-quoted bodies, and because the activity must bind values, never splice them.
\set ON_ERROR_STOP on
\if :{?ratified_apr}
\else
  \echo 'usage: psql -v ratified_apr=<APR-CODE> -f commit_ready_f6_ownership_seed.sql'
  do $$ begin raise exception 'missing -v ratified_apr=<APR-CODE>'; end $$;
\endif

begin;
-- By hand the guard holds the packet's numbers: pinned here, inside the transaction, so no PGOPTIONS
-- or role/database setting can loosen them.
select set_config('f6.ratified_apr', :'ratified_apr', true),
       set_config('f6.expect_gap', '210', true),
       set_config('f6.expect_own', '0', true),
       set_config('f6.expect_conflict', '0', true);

-- @section guard
do $$
declare
  apr              text := current_setting('f6.ratified_apr');
  -- Set in this transaction: the packet's numbers by hand, a scaled fixture's from the workflow.
  expect_gap       int  := current_setting('f6.expect_gap')::int;
  expect_own       int  := current_setting('f6.expect_own')::int;
  expect_conflict  int  := current_setting('f6.expect_conflict')::int;
  v_ospa int; v_gap int; v_own int; v_conflict int;
begin
  -- One rollout writes at a time; a retry of the same step waits here for its predecessor's transaction.
  perform pg_advisory_xact_lock(hashtextextended('governed-rollout', 0));
  if apr !~ '^APR-[A-Z0-9]+(-[A-Z0-9]+)*$' or length(apr) > 64 then
    raise exception 'F6 seed guard refused: ratified_apr % is not an APR code', apr using errcode = 'GR001';
  end if;
  select count(*) into v_ospa from os_proposal_approvals where proposal_code = apr;
  select count(*) into v_gap from v_object_owner_gap;
  select count(*) into v_own from governance_object_ownership;
  select count(*) into v_conflict from v_object_owner_conflict;
  if v_ospa < 1 or v_gap <> expect_gap or v_own <> expect_own or v_conflict <> expect_conflict then
    raise exception 'F6 seed guard refused: ospa=% gap=% own=% conflict=% (needs ospa>=1 gap=% own=% conflict=%)',
      v_ospa, v_gap, v_own, v_conflict, expect_gap, expect_own, expect_conflict
      using errcode = 'GR001';
  end if;
end $$;

-- @section apply
insert into governance_object_ownership (object_ref, owner_role, ratified_apr, created_by)
select 'domain:' || d.domain_code,
       d.steward_role,
       current_setting('f6.ratified_apr'),
       'F6_OWNERSHIP_SEED_COMMIT'
  from governance_domain d
 order by d.domain_code;

-- @end
commit;

-- Verification (expect own=30 gap=0 conflict=0 gov_emit=0, 30 direct + 210 inherited, coverage_pct=100).
select (select count(*) from governance_object_ownership)  as own,
       (select count(*) from v_object_owner_gap)           as gap,
       (select count(*) from v_object_owner_conflict)      as conflict,
       (select count(*) from event_outbox o join event_type_registry r using (event_type)
         where r.event_domain = 'governance')              as gov_emit,
       c.direct, c.inherited, c.coverage_pct
  from v_owner_coverage c;
