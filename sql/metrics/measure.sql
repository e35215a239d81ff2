-- Every number the packet verifies, read in one snapshot. Scoped as the packet states its facts: gov_emit
-- counts governance-domain events only, type by type (so an index on event_outbox.event_type makes it cost
-- the governance events, not the table: other processes append ordinary events all day),
-- and ospa counts the approvals of this APR only. That the rollout itself never writes event_outbox,
-- system_issues, approvals or the registry is proven per transaction by its footprint
-- (sql/footprint/transaction.sql), not by comparing whole tables that others write. $1: the APR code.
select (select count(*) from os_proposal_approvals where proposal_code = $1)::int as ospa,
       (select count(*) from governance_object_ownership)::int                   as own,
       (select count(*) from v_object_owner_gap)::int                            as gap,
       (select count(*) from v_object_owner_conflict)::int                       as conflict,
       -- One count per governance type, each planned with its type as a literal: the planner then knows
       -- the type is rare and takes the index, where a parameter or a join would make it guess the
       -- average (all of a live outbox of ordinary events) and scan the whole table.
       (select coalesce(sum((xpath('/row/n/text()', query_to_xml(
                 format('select count(*) as n from event_outbox where event_type = %L', r.event_type),
                 false, true, '')))[1]::text::int), 0)
          from event_type_registry r where r.event_domain = 'governance')::int   as gov_emit,
       (select count(*) from event_type_registry
         where event_domain = 'governance' and active)::int                      as gov_types_active,
       c.direct, c.inherited, c.coverage_pct::float8                              as coverage_pct
  from v_owner_coverage c;
