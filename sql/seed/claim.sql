-- Records as this rollout's the seed rows for its APR that no rollout claims yet, and the step as done,
-- in the transaction that wrote them (or, after production's own script committed, under the lock).
-- $1 rollout id, $2 APR code.
with claimed as (
  insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
  select $1, 'seed', 'governance_object_ownership', 'object_ref',
         coalesce(array_agg(o.object_ref order by o.object_ref), '{}')
    from governance_object_ownership o
   where o.created_by = 'F6_OWNERSHIP_SEED_COMMIT' and o.ratified_apr = $2
     and not exists (select 1 from governed_rollout.written w, unnest(w.keys) as k(object_ref)
                  where w.relation = 'governance_object_ownership' and w.reverted_at is null
                    and k.object_ref = o.object_ref)
  returning cardinality(keys) as inserted
)
insert into governed_rollout.step_done (rollout_id, step, result)
select $1, 'seed', jsonb_build_object('inserted', inserted, 'alreadyPresent', false) from claimed
returning (result ->> 'inserted')::int as inserted;
