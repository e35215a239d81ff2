-- After a compensation deleted what the ledger recorded: the entries stay, as evidence, marked reverted.
-- The rollout: governed_rollout.rollout_id (sql/ledger/bind.sql). $1 step.
update governed_rollout.written set reverted_at = now()
 where rollout_id = current_setting('governed_rollout.rollout_id') and step = $1 and reverted_at is null;
update governed_rollout.step_done set reverted_at = now()
 where rollout_id = current_setting('governed_rollout.rollout_id') and step = $1 and reverted_at is null;
