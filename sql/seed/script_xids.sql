-- The transactions that wrote the seed rows this rollout's ledger records: production's own script's,
-- whose other writes sql/footprint/committed.sql then looks for. $1 rollout id.
select coalesce(array_agg(distinct o.xmin::text), '{}') as xids
  from governed_rollout.written w, unnest(w.keys) as k(object_ref)
  join governance_object_ownership o on o.object_ref = k.object_ref and o.created_by = 'F6_OWNERSHIP_SEED_COMMIT'
 where w.rollout_id = $1 and w.step = 'seed' and w.relation = 'governance_object_ownership' and w.reverted_at is null;
