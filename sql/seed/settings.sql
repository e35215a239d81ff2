-- Binds the seed script's inputs for the sections the activity runs (psql sets the same with -v).
select set_config('f6.ratified_apr', $1, true),
       set_config('f6.expect_gap', $2, true),
       set_config('f6.expect_own', $3, true),
       set_config('f6.expect_conflict', $4, true);
