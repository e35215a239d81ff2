-- One rollout's finished step, read by its retry (its own entries only). $1 rollout id, $2 step.
select result from governed_rollout.step_done where rollout_id = $1 and step = $2 and reverted_at is null;
