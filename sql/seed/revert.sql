-- The packet's rollback, narrowed to the rows this rollout wrote. $1: the rollout id.
delete from governance_object_ownership
 where created_by = 'F6_OWNERSHIP_SEED_COMMIT' and rollout_id = $1;
