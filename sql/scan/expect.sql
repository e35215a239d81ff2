-- What the ruleset covers in the inventory now: one candidate_state per domain, one candidate_object per object.
-- $1: the ruleset's domain codes.
select count(*) filter (where object_kind = 'domain')::int as states,
       count(*) filter (where object_kind = 'object')::int as objects
  from v_governance_object_inventory
 where domain_code = any($1::text[]);
