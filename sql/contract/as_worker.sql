-- The worker's identity for an inspection run by the owner (`rollout plan --worker-role`), for this
-- transaction only: its role (privileges, row level security) and the search_path its own sessions get
-- (ALTER ROLE ... IN DATABASE, else ALTER ROLE, else ALTER DATABASE, else the server's default), read
-- before the role changes. $1 role.
select set_config('search_path', coalesce(
         (select substr(cfg, 13) from pg_db_role_setting s, unnest(s.setconfig) as cfg
           where s.setrole = r.oid and s.setdatabase = d.oid and cfg like 'search\_path=%'),
         (select substr(cfg, 13) from pg_db_role_setting s, unnest(s.setconfig) as cfg
           where s.setrole = r.oid and s.setdatabase = 0 and cfg like 'search\_path=%'),
         (select substr(cfg, 13) from pg_db_role_setting s, unnest(s.setconfig) as cfg
           where s.setrole = 0 and s.setdatabase = d.oid and cfg like 'search\_path=%'),
         (select boot_val from pg_settings where name = 'search_path')), true) as search_path,
       set_config('role', r.rolname, true) as role
  from pg_roles r, pg_database d
 where r.rolname = $1 and d.datname = current_database();
