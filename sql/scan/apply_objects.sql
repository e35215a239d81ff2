-- Scanner write-half, candidate_object under each of the ruleset's states; the ledger records the
-- ids inserted as one array in the same statement, never a row per row. $1 ruleset id, $2 rollout id.
-- Under a state this transaction inserted (its row's xmin is ours: apply_states, just before), no other
-- transaction can hold a candidate_object, since the foreign key cannot see an uncommitted state, so
-- those rows are inserted plainly, in the order the join yields them; only under states that were there
-- before does the natural key need ON CONFLICT's per-row arbitration (in key order, as any upsert here).
-- A re-run finds every state there before: it goes through ON CONFLICT and inserts nothing.
with under_ours as (
  insert into candidate_object (candidate_state_id, object_ref, object_type)
  select s.candidate_state_id, i.object_ref, i.object_type
    from candidate_state s
    join v_governance_object_inventory i on i.domain_code = s.domain_code and i.object_kind = 'object'
   where s.ruleset_id = $1 and s.xmin = pg_current_xact_id()::xid
  returning candidate_object_id
), under_older as (
  insert into candidate_object (candidate_state_id, object_ref, object_type)
  select s.candidate_state_id, i.object_ref, i.object_type
    from candidate_state s
    join v_governance_object_inventory i on i.domain_code = s.domain_code and i.object_kind = 'object'
   where s.ruleset_id = $1 and s.xmin <> pg_current_xact_id()::xid
   order by s.candidate_state_id, i.object_ref
  on conflict (candidate_state_id, object_ref) do nothing
  returning candidate_object_id
)
insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
select $2, 'scan', 'candidate_object', 'candidate_object_id', coalesce(array_agg(candidate_object_id::text), '{}')
  from (select candidate_object_id from under_ours union all select candidate_object_id from under_older) ins
returning cardinality(keys) as inserted;
