-- Rows carrying a committed transaction's id (xmin: rows it inserted, and the new versions of rows it
-- updated), per relation: what an outside script's own transaction left, proven after its COMMIT.
-- Deleted rows leave no visible trace. A relation the role cannot read is reported with rows null.
-- $1 relations by name (resolved by the search_path, as the script's statements are), $2 more relation
-- oids, $3 the transaction ids.
with named as (
  select n.name, to_regclass(n.name) as relid from unnest($1::text[]) as n(name)
), relids as (
  select relid from named where relid is not null
  union
  select unnest($2::oid[])
)
select coalesce(named.name, quote_ident(ns.nspname) || '.' || quote_ident(c.relname)) as relation,
       case when has_table_privilege(c.oid, 'select') then
         (xpath('/row/n/text()', query_to_xml(
            format('select count(*) as n from %I.%I where xmin::text = any(%L::text[])', ns.nspname, c.relname, $3::text[]),
            false, true, '')))[1]::text::int
       end as rows
  from relids r
  join pg_class c on c.oid = r.relid
  join pg_namespace ns on ns.oid = c.relnamespace
  left join named on named.relid = c.oid
 where c.relkind in ('r', 'p', 'm')
 order by 1;
