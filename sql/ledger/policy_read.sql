-- The owner's rule that rollouts here require a completed clone rehearsal, if set.
select value from governed_rollout.policy where name = 'requires_rehearsal';
