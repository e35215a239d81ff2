-- One rollout writes at a time (the seed script's guard takes the same lock). The savepoint lets a wait
-- that gave up (lock_timeout) be rolled back to, so the holder can be named in the same transaction; the
-- three statements go as one message (src/db/lock.ts), one round trip.
savepoint rollout_lock;
select pg_advisory_xact_lock(hashtextextended('governed-rollout', 0));
release savepoint rollout_lock;
