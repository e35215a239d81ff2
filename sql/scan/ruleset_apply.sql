-- Seed the ruleset by its natural key; a ruleset that already exists stays as it is.
-- $1 code, $2 version, $3 definition, $4 rollout id. same_definition=false means drift.
with ins as (
  insert into governance_ruleset (ruleset_code, version, definition, created_by_rollout)
  values ($1, $2, $3::jsonb, $4)
  on conflict (ruleset_code, version) do nothing
  returning ruleset_id, definition
)
select ruleset_id, definition = $3::jsonb as same_definition, true as created from ins
union all
select ruleset_id, definition = $3::jsonb, false
  from governance_ruleset
 where ruleset_code = $1 and version = $2 and not exists (select 1 from ins);
