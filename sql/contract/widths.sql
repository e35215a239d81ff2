-- The longest value the target's own data puts into a column the rollout writes (for example
-- 'domain:' || governance_domain.domain_code into governance_object_ownership.object_ref), through the
-- worker's search_path; a relation it cannot resolve gives null (its own finding says why).
-- $1: [{"key", "relation", "column", "prefix"}].
select s.key,
       case when to_regclass(s.relation) is not null then
         coalesce(length(s.prefix), 0) + (xpath('/row/n/text()', query_to_xml(
           format('select coalesce(max(length(%I::text)), 0) as n from %s', s.column, to_regclass(s.relation)),
           false, true, '')))[1]::text::int
       end as length
  from jsonb_to_recordset($1::jsonb) as s(key text, relation text, "column" text, prefix text);
