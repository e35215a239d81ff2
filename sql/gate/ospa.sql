-- ospa: the approval rows that ratify the rollout's APR. Only people write them.
select count(*)::int as ospa from os_proposal_approvals where proposal_code = $1;
