-- This session's write counters, by relation, in every schema: PostgreSQL's own accounting of the
-- transaction (pg_stat_xact_user_tables). It counts a trigger's, a rule's and a cascade's writes too, and
-- rows the session's role cannot see; other sessions' writes never appear in it, however live the
-- database. Since PostgreSQL 15 it also holds the session's earlier transactions until they are flushed,
-- so a transaction's writes are its counters at the end less those at its start (src/db/footprint.ts).
-- $1: the relations the step names, as its statements name them, resolved by the same search_path; any
-- other relation is named schema-qualified.
with named as (
  select n.name, to_regclass(n.name) as relid from unnest($1::text[]) as n(name)
)
select t.relid::text as relid,
       coalesce(named.name, quote_ident(t.schemaname) || '.' || quote_ident(t.relname)) as relation,
       t.n_tup_ins::int as "insert",
       t.n_tup_upd::int as "update",
       t.n_tup_del::int as "delete"
  from pg_stat_xact_user_tables t
  left join named on named.relid = t.relid
 where t.n_tup_ins + t.n_tup_upd + t.n_tup_del > 0
 order by relation;
