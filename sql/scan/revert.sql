-- FK-ordered DELETEs of exactly the rows the ledger records as this rollout's; a ruleset it created
-- stays while another rollout's candidates or runs still use it. The rollout: governed_rollout.rollout_id,
-- set by sql/ledger/bind.sql. Each statement reports what it deleted.
with gone as (
  delete from candidate_object o
   using governed_rollout.written w, unnest(w.keys) as k(id)
   where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'scan' and w.relation = 'candidate_object' and w.reverted_at is null
     and o.candidate_object_id = k.id::bigint
  returning 1
)
select 'candidate_object' as relation, count(*)::int as deleted from gone;
with gone as (
  delete from candidate_state s
   using governed_rollout.written w, unnest(w.keys) as k(id)
   where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'scan' and w.relation = 'candidate_state' and w.reverted_at is null
     and s.candidate_state_id = k.id::bigint
  returning 1
)
select 'candidate_state' as relation, count(*)::int as deleted from gone;
with gone as (
  delete from candidate_scan_run r
   using governed_rollout.written w, unnest(w.keys) as k(id)
   where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'scan' and w.relation = 'candidate_scan_run' and w.reverted_at is null
     and r.scan_run_id = k.id::bigint
  returning 1
)
select 'candidate_scan_run' as relation, count(*)::int as deleted from gone;
with gone as (
  delete from governance_ruleset g
   using governed_rollout.written w, unnest(w.keys) as k(id)
   where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'scan' and w.relation = 'governance_ruleset' and w.reverted_at is null
     and g.ruleset_id = k.id::bigint
     and not exists (select 1 from candidate_state s where s.ruleset_id = g.ruleset_id)
     and not exists (select 1 from candidate_scan_run r where r.ruleset_id = g.ruleset_id)
  returning 1
)
select 'governance_ruleset' as relation, count(*)::int as deleted from gone;
