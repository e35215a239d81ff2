-- What the live catalog says about every relation and function the contract names (src/contract),
-- as one JSON document; the comparison is done in TypeScript. Read as the worker meets the database: the
-- inspection first takes the worker's role and search_path (sql/contract/as_worker.sql), so unqualified
-- names resolve, privileges hold and row level security applies exactly as for the rollout's statements.
-- $1 relation names (unqualified: through the search_path; schema-qualified: the ledger), $2 function
-- signatures.
with rel as (
  select r.name, r.ord,
         case when strpos(r.name, '.') > 0
              then (select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = split_part(r.name, '.', 1) and c.relname = split_part(r.name, '.', 2))
              else to_regclass(r.name)::oid
         end as oid
    from unnest($1::text[]) with ordinality as r(name, ord)
)
select jsonb_build_object(
  'serverVersionNum', current_setting('server_version_num')::int,
  'role', current_user::text,
  'roleExists', true,
  'searchPath', current_setting('search_path'),
  'relations', coalesce((
    select jsonb_agg(jsonb_build_object(
      'name', rel.name,
      'found', c.oid is not null,
      'qualified', case when c.oid is not null then quote_ident(n.nspname) || '.' || quote_ident(c.relname) end,
      -- Where a relation of that name lives when the search_path does not reach it.
      'elsewhere', case when c.oid is null then coalesce((
        select jsonb_agg(quote_ident(n2.nspname) || '.' || quote_ident(c2.relname) order by n2.nspname)
          from pg_class c2 join pg_namespace n2 on n2.oid = c2.relnamespace
         where c2.relname = rel.name
           and c2.relkind in ('r', 'p', 'v', 'm', 'f')), '[]'::jsonb) end,
      'schemaUsage', c.oid is not null and has_schema_privilege(n.oid, 'USAGE'),
      'relkind', c.relkind,
      'columns', coalesce((
        select jsonb_agg(jsonb_build_object(
          'name', a.attname,
          'type', format_type(a.atttypid, a.atttypmod),
          'typname', t.typname,
          'category', t.typcategory,
          'maxLength', case when t.typname in ('varchar', 'bpchar') and a.atttypmod > 4 then a.atttypmod - 4 end,
          'notNull', a.attnotnull,
          'hasDefault', a.atthasdef or a.attidentity <> '' or a.attgenerated <> '',
          'select', has_column_privilege(c.oid, a.attnum, 'SELECT'),
          'insert', has_column_privilege(c.oid, a.attnum, 'INSERT'),
          'update', has_column_privilege(c.oid, a.attnum, 'UPDATE')
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
      'rules', coalesce((
        select jsonb_agg(rw.rulename::text order by rw.rulename)
          from pg_rewrite rw where rw.ev_class = c.oid and rw.rulename <> '_RETURN'), '[]'::jsonb),
      -- Row level security as it applies to the role reading this (the worker), and the policies.
      'rowSecurity', c.oid is not null and c.relkind in ('r', 'p') and row_security_active(c.oid),
      'policies', coalesce((
        select jsonb_agg(p.polname::text order by p.polname) from pg_policy p where p.polrelid = c.oid), '[]'::jsonb),
      -- Foreign keys of other tables that a delete or update here would cascade into (or null, or default).
      'cascades', coalesce((
        select jsonb_agg(con.conrelid::regclass::text || ' (' || con.conname || ')' order by con.conname)
          from pg_constraint con
         where con.confrelid = c.oid and con.contype = 'f'
           and (con.confdeltype in ('c', 'n', 'd') or con.confupdtype in ('c', 'n', 'd'))), '[]'::jsonb),
      'select', c.oid is not null and has_any_column_privilege(c.oid, 'SELECT'),
      'delete', c.oid is not null and has_table_privilege(c.oid, 'DELETE')
    ) order by rel.ord)
      from rel
      left join pg_class c on c.oid = rel.oid
      left join pg_namespace n on n.oid = c.relnamespace), '[]'::jsonb),
  'functions', coalesce((
    select jsonb_object_agg(f, to_regprocedure(f) is not null) from unnest($2::text[]) as f), '{}'::jsonb),
  'schemaUsage', coalesce((
    select jsonb_object_agg(n.nspname, has_schema_privilege(n.oid, 'USAGE'))
      from pg_namespace n where n.nspname = 'governed_rollout'), '{}'::jsonb)
);
