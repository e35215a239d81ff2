-- The packet's rollback, narrowed to the rows the ledger records as this rollout's
-- (governed_rollout.rollout_id, set by sql/ledger/bind.sql). Reports what it deleted.
with gone as (
  delete from governance_object_ownership o
   using governed_rollout.written w, unnest(w.keys) as k(object_ref)
   where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'seed'
     and w.relation = 'governance_object_ownership' and w.reverted_at is null
     and o.object_ref = k.object_ref and o.created_by = 'F6_OWNERSHIP_SEED_COMMIT'
  returning 1
)
select 'governance_object_ownership' as relation, count(*)::int as deleted from gone;
