-- The fingerprint of every table a rollout without a scan writes: row count and an order-free sum of row
-- hashes, linear at any size. Compensation must bring it back exactly. (The tables no code path may write
-- are proven unchanged after every step instead, by sql/metrics/measure.sql: people may change approvals.)
select jsonb_build_object(
  'governance_object_ownership', (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from governance_object_ownership t)
) as tables;
