-- Seed the ruleset by its natural key; a ruleset that already exists stays as it is. A new one is
-- recorded in the ledger in the same statement. $1 code, $2 version, $3 definition, $4 rollout id.
-- same_definition=false means drift.
with ins as (
  insert into governance_ruleset (ruleset_code, version, definition)
  values ($1, $2, $3::jsonb)
  on conflict (ruleset_code, version) do nothing
  returning ruleset_id, definition
), recorded as (
  insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
  select $4, 'scan', 'governance_ruleset', 'ruleset_id', array[ruleset_id::text] from ins
)
select ruleset_id, definition = $3::jsonb as same_definition, true as created from ins
union all
select ruleset_id, definition = $3::jsonb, false
  from governance_ruleset
 where ruleset_code = $1 and version = $2 and not exists (select 1 from ins);
