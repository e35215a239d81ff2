-- Every number the packet verifies, read in one snapshot. $1: the APR code.
select (select count(*) from os_proposal_approvals where proposal_code = $1)::int as ospa,
       (select count(*) from governance_object_ownership)::int                   as own,
       (select count(*) from v_object_owner_gap)::int                            as gap,
       (select count(*) from v_object_owner_conflict)::int                       as conflict,
       (select count(*) from event_outbox o join event_type_registry r using (event_type)
         where r.event_domain = 'governance')::int                               as gov_emit,
       (select count(*) from event_type_registry
         where event_domain = 'governance' and active)::int                      as gov_types_active,
       c.direct, c.inherited, c.coverage_pct::float8                              as coverage_pct
  from v_owner_coverage c;
