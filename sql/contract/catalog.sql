-- What the live catalog says about every relation and function the contract names (src/contract),
-- as one JSON document; the comparison is done in TypeScript. Relations resolve through the
-- session's search_path, as the rollout's own statements do.
-- $1 relation names, $2 function signatures, $3 the role whose privileges are checked (null: current_user).
with who as (
  select coalesce($3::text, current_user::text) as role,
         $3::text is null or exists (select 1 from pg_roles where rolname = $3::text) as role_exists
), rel as (
  select r.name, to_regclass(r.name) as oid, r.ord
    from unnest($1::text[]) with ordinality as r(name, ord)
)
select jsonb_build_object(
  'serverVersionNum', current_setting('server_version_num')::int,
  'role', who.role,
  'roleExists', who.role_exists,
  'relations', coalesce((
    select jsonb_agg(jsonb_build_object(
      'name', rel.name,
      'found', c.oid is not null,
      'relkind', c.relkind,
      'columns', coalesce((
        select jsonb_agg(jsonb_build_object(
          'name', a.attname,
          'type', format_type(a.atttypid, a.atttypmod),
          'typname', t.typname,
          'category', t.typcategory,
          'notNull', a.attnotnull,
          'hasDefault', a.atthasdef or a.attidentity <> '' or a.attgenerated <> '',
          'select', who.role_exists and has_column_privilege(who.role, c.oid, a.attnum, 'SELECT'),
          'insert', who.role_exists and has_column_privilege(who.role, c.oid, a.attnum, 'INSERT'),
          'update', who.role_exists and has_column_privilege(who.role, c.oid, a.attnum, 'UPDATE')
        ) order by a.attnum)
          from pg_attribute a
          join pg_type t on t.oid = a.atttypid
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]'::jsonb),
      'uniqueKeys', coalesce((
        select jsonb_agg((
          select jsonb_agg(a.attname order by a.attname)
            from unnest(i.indkey::int2[]) as k(attnum)
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum))
          from pg_index i
         where i.indrelid = c.oid and i.indisunique and i.indpred is null and i.indexprs is null), '[]'::jsonb),
      'indexes', coalesce((
        select jsonb_agg((
          select jsonb_agg(a.attname order by k.ord)
            from unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum))
          from pg_index i
         where i.indrelid = c.oid and i.indpred is null), '[]'::jsonb),
      'triggers', coalesce((
        select jsonb_agg(tg.tgname::text order by tg.tgname)
          from pg_trigger tg where tg.tgrelid = c.oid and not tg.tgisinternal), '[]'::jsonb),
      'cascades', coalesce((
        select jsonb_agg(con.conrelid::regclass::text || ' (' || con.conname || ')' order by con.conname)
          from pg_constraint con
         where con.confrelid = c.oid and con.contype = 'f'
           and (con.confdeltype in ('c', 'n', 'd') or con.confupdtype in ('c', 'n', 'd'))), '[]'::jsonb),
      'select', c.oid is not null and who.role_exists and has_any_column_privilege(who.role, c.oid, 'SELECT'),
      'delete', c.oid is not null and who.role_exists and has_table_privilege(who.role, c.oid, 'DELETE')
    ) order by rel.ord)
      from rel left join pg_class c on c.oid = rel.oid), '[]'::jsonb),
  'functions', coalesce((
    select jsonb_object_agg(f, to_regprocedure(f) is not null) from unnest($2::text[]) as f), '{}'::jsonb),
  'schemaUsage', coalesce((
    select jsonb_object_agg(n.nspname, who.role_exists and has_schema_privilege(who.role, n.oid, 'USAGE'))
      from pg_namespace n where n.nspname in ('public', 'governed_rollout')), '{}'::jsonb)
)
  from who;
