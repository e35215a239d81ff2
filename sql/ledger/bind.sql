-- The rollout whose ledger entries a revert script acts on, for this transaction only. $1 rollout id.
-- (By hand, sql/ledger/rollback_by_hand.sql sets the same from psql's -v rollout_id.)
select set_config('governed_rollout.rollout_id', $1, true);
