-- What remains of the seed rows this rollout's ledger records (reverted or not): after its compensation,
-- nothing. Costs the rollout's own rows, never the table's. $1 rollout id.
select 'governance_object_ownership' as relation, count(*)::int as rows
  from governed_rollout.written w, unnest(w.keys) as k(object_ref)
  join governance_object_ownership o on o.object_ref = k.object_ref and o.created_by = 'F6_OWNERSHIP_SEED_COMMIT'
 where w.rollout_id = $1 and w.step = 'seed' and w.relation = 'governance_object_ownership';
