-- Every user table's cumulative write counters (all sessions), fresh: before and after an outside
-- script runs, the tables whose counters moved are the only ones its transaction can have written.
select pg_stat_clear_snapshot();
select t.relid::oid::text as relid, (t.n_tup_ins + t.n_tup_upd + t.n_tup_del)::text as writes
  from pg_stat_user_tables t;
