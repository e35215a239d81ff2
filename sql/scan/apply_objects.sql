-- Scanner write-half, candidate_object under each of the ruleset's states. $1 ruleset id, $2 rollout id.
insert into candidate_object (candidate_state_id, object_ref, object_type, created_by_rollout)
select s.candidate_state_id, i.object_ref, i.object_type, $2
  from candidate_state s
  join v_governance_object_inventory i on i.domain_code = s.domain_code and i.object_kind = 'object'
 where s.ruleset_id = $1
 order by s.candidate_state_id, i.object_ref
on conflict (candidate_state_id, object_ref) do nothing;
