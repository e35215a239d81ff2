-- A scan this rollout already committed (a retry after commit finds it). $1 rollout id, $2 ruleset code, $3 version.
select r.scan_run_id, r.ruleset_id, r.states_inserted, r.objects_inserted
  from candidate_scan_run r
  join governance_ruleset g using (ruleset_id)
 where r.rollout_id = $1 and g.ruleset_code = $2 and g.version = $3;
