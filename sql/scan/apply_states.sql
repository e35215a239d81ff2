-- Scanner write-half, candidate_state: natural-key upsert, so a re-run inserts and updates nothing;
-- the ledger records the ids it inserted, in the same statement. $1 ruleset id, $2 domain codes,
-- $3 state, $4 rollout id.
with ins as (
  insert into candidate_state (ruleset_id, domain_code, state, object_count)
  select $1, i.domain_code, $3, count(*) filter (where i.object_kind = 'object')
    from v_governance_object_inventory i
   where i.domain_code = any($2::text[])
   group by i.domain_code
   order by i.domain_code
  on conflict (ruleset_id, domain_code) do nothing
  returning candidate_state_id
)
insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
select $4, 'scan', 'candidate_state', 'candidate_state_id', coalesce(array_agg(candidate_state_id::text), '{}') from ins
returning cardinality(keys) as inserted;
