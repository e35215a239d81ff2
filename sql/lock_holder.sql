-- Who holds the rollout lock (sql/lock.sql's key), for the message of a bounded wait that gave up.
select a.pid, a.application_name, a.state, a.xact_start::text as since, a.usename::text as user_name
  from pg_locks l
  join pg_stat_activity a on a.pid = l.pid
 where l.locktype = 'advisory' and l.granted
   and l.objid = (hashtextextended('governed-rollout', 0) & 4294967295)::oid
   and l.classid = ((hashtextextended('governed-rollout', 0) >> 32) & 4294967295)::oid
 limit 1;
