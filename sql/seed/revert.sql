-- The packet's rollback, narrowed to the rows the ledger records as this rollout's
-- (governed_rollout.rollout_id, set by sql/ledger/bind.sql). Reports what it deleted.
-- created_by is tested as a filter, never an index condition ("is true" keeps it out of any index): just
-- after the seed commits, before autovacuum has analyzed the table, the planner takes the created_by index
-- for selective and ANDs it with the key's for every key, which reads all the seed's rows once per key (at
-- 142,858 seed rows, over six minutes instead of under a second).
with gone as (
  delete from governance_object_ownership o
   using governed_rollout.written w, unnest(w.keys) as k(object_ref)
   where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'seed'
     and w.relation = 'governance_object_ownership' and w.reverted_at is null
     and o.object_ref = k.object_ref and (o.created_by = 'F6_OWNERSHIP_SEED_COMMIT') is true
  returning 1
)
select 'governance_object_ownership' as relation, count(*)::int as deleted from gone;
