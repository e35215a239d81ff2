-- The packet's numbers, read in one snapshot. $1: the APR code. $2: whether to read every number (the
-- preflight, the seed, after compensation) or only Phase 3's (gov_emit, gov_types_active), which the scan and
-- the cursor verify: their footprint proves they write none of the tables the other numbers count, so
-- reading those again would only make the operator wait (seconds at a million objects) for numbers the seed
-- has just read. A number not read is null; a planner given false for $2 plans none of its reads.
-- Scoped as the packet states its facts: gov_emit counts governance-domain events only, type by type (so an
-- index on event_outbox.event_type makes it cost the governance events, not the table: other processes
-- append ordinary events all day), and ospa counts the approvals of this APR only. That the rollout itself
-- never writes event_outbox, system_issues, approvals or the registry is proven per transaction by its
-- footprint (sql/footprint/transaction.sql), not by comparing whole tables that others write.
select case when $2 then (select count(*) from os_proposal_approvals where proposal_code = $1)::int end as ospa,
       case when $2 then (select count(*) from governance_object_ownership)::int end               as own,
       case when $2 then (select count(*) from v_object_owner_gap)::int end                        as gap,
       case when $2 then (select count(*) from v_object_owner_conflict)::int end                   as conflict,
       -- One count per governance type, each planned with its type as a literal: the planner then knows
       -- the type is rare and takes the index, where a parameter or a join would make it guess the
       -- average (all of a live outbox of ordinary events) and scan the whole table.
       (select coalesce(sum((xpath('/row/n/text()', query_to_xml(
                 format('select count(*) as n from event_outbox where event_type = %L', r.event_type),
                 false, true, '')))[1]::text::int), 0)
          from event_type_registry r where r.event_domain = 'governance')::int                     as gov_emit,
       (select count(*) from event_type_registry
         where event_domain = 'governance' and active)::int                                        as gov_types_active,
       c.direct, c.inherited, c.coverage_pct::float8                                               as coverage_pct
  from (select) as one
  left join v_owner_coverage c on $2;
