-- Scanner write-half, candidate_object under each of the ruleset's states; the ledger records the
-- ids inserted as one array in the same statement, never a row per row. $1 ruleset id, $2 rollout id.
with ins as (
  insert into candidate_object (candidate_state_id, object_ref, object_type)
  select s.candidate_state_id, i.object_ref, i.object_type
    from candidate_state s
    join v_governance_object_inventory i on i.domain_code = s.domain_code and i.object_kind = 'object'
   where s.ruleset_id = $1
   order by s.candidate_state_id, i.object_ref
  on conflict (candidate_state_id, object_ref) do nothing
  returning candidate_object_id
)
insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
select $2, 'scan', 'candidate_object', 'candidate_object_id', coalesce(array_agg(candidate_object_id::text), '{}') from ins
returning cardinality(keys) as inserted;
