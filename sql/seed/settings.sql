-- Binds the seed script's inputs for the sections the activity runs (psql sets the same with -v).
select set_config('f6.ratified_apr', $1, true),
       set_config('f6.rollout_id', $2, true),
       set_config('f6.expect_gap', $3, true),
       set_config('f6.expect_own', $4, true),
       set_config('f6.expect_conflict', $5, true);
