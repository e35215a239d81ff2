-- The seed's own finished work: rows it marks, for this APR. $1: the APR code.
select count(*)::int as rows_for_apr,
       count(distinct rollout_id)::int as rollouts
  from governance_object_ownership
 where created_by = 'F6_OWNERSHIP_SEED_COMMIT' and ratified_apr = $1;
