-- One rollout writes at a time (the seed script's guard takes the same lock).
select pg_advisory_xact_lock(hashtextextended('governed-rollout', 0));
