-- The fingerprint of every table a rollout without a scan writes or must leave untouched: row count and
-- an order-free sum of row hashes, linear at any size. Compensation must bring it back exactly.
select jsonb_build_object(
  'governance_object_ownership', (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from governance_object_ownership t),
  'os_proposal_approvals',       (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from os_proposal_approvals t),
  'event_type_registry',         (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from event_type_registry t),
  'event_outbox',                (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from event_outbox t),
  'system_issues',               (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from system_issues t)
) as tables;
