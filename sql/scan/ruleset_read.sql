-- A ruleset already stored under the natural key, and whether its definition is the one given (read only:
-- what scan/ruleset_apply.sql would find). $1 code, $2 version, $3 definition.
select ruleset_id, definition = $3::jsonb as same_definition
  from governance_ruleset
 where ruleset_code = $1 and version = $2;
