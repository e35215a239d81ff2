-- Every number the packet verifies, read in one snapshot, and a count and md5 of every table the packet
-- forbids writing (docs/CONTRACT.md, access "sealed"), so each step proves them untouched whatever
-- role the worker runs as. $1: the APR code.
select (select count(*) from os_proposal_approvals where proposal_code = $1)::int as ospa,
       (select count(*) from governance_object_ownership)::int                   as own,
       (select count(*) from v_object_owner_gap)::int                            as gap,
       (select count(*) from v_object_owner_conflict)::int                       as conflict,
       (select count(*) from event_outbox o join event_type_registry r using (event_type)
         where r.event_domain = 'governance')::int                               as gov_emit,
       (select count(*) from event_type_registry
         where event_domain = 'governance' and active)::int                      as gov_types_active,
       c.direct, c.inherited, c.coverage_pct::float8                              as coverage_pct,
       jsonb_build_object(
         'os_proposal_approvals', (select count(*) || ':' || md5(coalesce(string_agg(t::text, E'\n' order by t::text), ''))
                                     from os_proposal_approvals t),
         'event_type_registry',   (select count(*) || ':' || md5(coalesce(string_agg(t::text, E'\n' order by t::text), ''))
                                     from event_type_registry t),
         'event_outbox',          (select count(*) || ':' || md5(coalesce(string_agg(t::text, E'\n' order by t::text), ''))
                                     from event_outbox t),
         'system_issues',         (select count(*) || ':' || md5(coalesce(string_agg(t::text, E'\n' order by t::text), ''))
                                     from system_issues t)
       )                                                                          as sealed
  from v_owner_coverage c;
