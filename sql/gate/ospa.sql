-- ospa: the approval rows that ratify the rollout's APR (only people write them), and the rows themselves,
-- whole, as they stand when the gate is checked: the evidence records who ratified, when, at which level.
select count(*)::int as ospa,
       coalesce(jsonb_agg(to_jsonb(a) order by to_jsonb(a)::text), '[]'::jsonb) as approvals
  from os_proposal_approvals a
 where a.proposal_code = $1;
