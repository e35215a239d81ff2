-- What remains of the scan rows this rollout's ledger records (reverted or not): after its compensation,
-- nothing but a ruleset another rollout's candidates or runs still use. $1 rollout id.
with mine as (
  select w.relation, k.id::bigint as id
    from governed_rollout.written w, unnest(w.keys) as k(id)
   where w.rollout_id = $1 and w.step = 'scan'
)
select 'candidate_object' as relation, count(*)::int as rows
  from mine m join candidate_object o on o.candidate_object_id = m.id where m.relation = 'candidate_object'
union all
select 'candidate_state', count(*)::int
  from mine m join candidate_state s on s.candidate_state_id = m.id where m.relation = 'candidate_state'
union all
select 'candidate_scan_run', count(*)::int
  from mine m join candidate_scan_run r on r.scan_run_id = m.id where m.relation = 'candidate_scan_run'
union all
select 'governance_ruleset', count(*)::int
  from mine m join governance_ruleset g on g.ruleset_id = m.id
 where m.relation = 'governance_ruleset'
   and not exists (select 1 from candidate_state s where s.ruleset_id = g.ruleset_id)
   and not exists (select 1 from candidate_scan_run r where r.ruleset_id = g.ruleset_id);
