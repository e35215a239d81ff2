-- The target as the database says it is, whatever host spelling, port forward or tunnel reached it:
-- the cluster's system identifier and the database's oid. A second rollout for the same database is
-- refused by this identity, not by the connection string's text.
select (select system_identifier::text from pg_control_system()) || '/' || d.oid::text as identity,
       d.datname::text as database
  from pg_database d
 where d.datname = current_database();
