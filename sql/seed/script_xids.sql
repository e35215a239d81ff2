-- The transactions that wrote the seed rows this rollout's ledger records: production's own script's,
-- whose other writes sql/footprint/committed.sql then looks for. $1 rollout id.
-- created_by is tested as a filter, never an index condition ("is true" keeps it out of any index): just
-- after the seed commits, before autovacuum has analyzed the table, the planner takes the created_by index
-- for selective and ANDs it with the key's for every key, which reads all the seed's rows once per key (at
-- 142,858 seed rows, over six minutes instead of under a second).
select coalesce(array_agg(distinct o.xmin::text), '{}') as xids
  from governed_rollout.written w, unnest(w.keys) as k(object_ref)
  join governance_object_ownership o on o.object_ref = k.object_ref and (o.created_by = 'F6_OWNERSHIP_SEED_COMMIT') is true
 where w.rollout_id = $1 and w.step = 'seed' and w.relation = 'governance_object_ownership' and w.reverted_at is null;
