-- The seed as the ledger knows it for one rollout: its finished step (a retry after a lost
-- acknowledgement), whether it handed the step to a script, the seed rows of its APR, and those of
-- them no rollout claims. $1 rollout id, $2 APR code.
with seed_rows as (
  select o.object_ref
    from governance_object_ownership o
   where o.created_by = 'F6_OWNERSHIP_SEED_COMMIT' and o.ratified_apr = $2
), claimed as (
  select k.object_ref
    from governed_rollout.written w, unnest(w.keys) as k(object_ref)
   where w.relation = 'governance_object_ownership' and w.reverted_at is null
)
select (select result from governed_rollout.step_done
         where rollout_id = $1 and step = 'seed' and reverted_at is null)             as done,
       exists (select 1 from governed_rollout.step_started
                where rollout_id = $1 and step = 'seed')                                as started,
       (select count(*) from seed_rows)::int                                            as present,
       (select count(*) from seed_rows s
         where not exists (select 1 from claimed c where c.object_ref = s.object_ref))::int as unclaimed;
