-- A step that committed, with what it reported, in the transaction of its writes. $1 rollout id, $2 step, $3 result.
insert into governed_rollout.step_done (rollout_id, step, result) values ($1, $2, $3::jsonb);
