-- Before production's own script runs: rows it commits from now on, unclaimed, are this rollout's.
-- $1 rollout id.
insert into governed_rollout.step_started (rollout_id, step) values ($1, 'seed')
on conflict (rollout_id, step) do nothing;
