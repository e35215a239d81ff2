-- Scanner write-half, candidate_state: natural-key upsert, so a re-run inserts and updates nothing.
-- $1 ruleset id, $2 domain codes, $3 state, $4 rollout id.
insert into candidate_state (ruleset_id, domain_code, state, object_count, created_by_rollout)
select $1, i.domain_code, $3, count(*) filter (where i.object_kind = 'object'), $4
  from v_governance_object_inventory i
 where i.domain_code = any($2::text[])
 group by i.domain_code
 order by i.domain_code
on conflict (ruleset_id, domain_code) do nothing;
