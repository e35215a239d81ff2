-- A scan this rollout already committed (a retry after commit finds it in its own ledger entries).
-- $1 rollout id.
select result from governed_rollout.step_done where rollout_id = $1 and step = 'scan' and reverted_at is null;
