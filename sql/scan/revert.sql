-- FK-ordered DELETEs of exactly what one rollout wrote; a ruleset that existed before stays,
-- and one it created stays too while another rollout's candidates or runs still use it. $1 rollout id.
delete from candidate_object where created_by_rollout = $1;
delete from candidate_state where created_by_rollout = $1;
delete from candidate_scan_run where rollout_id = $1;
delete from governance_ruleset g
 where g.created_by_rollout = $1
   and not exists (select 1 from candidate_state s where s.ruleset_id = g.ruleset_id)
   and not exists (select 1 from candidate_scan_run r where r.ruleset_id = g.ruleset_id);
