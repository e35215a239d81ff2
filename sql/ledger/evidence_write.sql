-- Stores a rollout's sealed evidence once; a retry finds it and writes nothing. $1 rollout id,
-- $2 workflow id, $3 state, $4 digest, $5 previous digest, $6 packet.
insert into governed_rollout.evidence (rollout_id, workflow_id, state, digest, previous_digest, packet)
values ($1, $2, $3, $4, $5, $6::jsonb)
on conflict (rollout_id) do nothing;
