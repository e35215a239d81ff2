-- Set by the database owner (`rollout db require-rehearsal`). $1 the rule as JSON, or null to lift it.
with gone as (
  delete from governed_rollout.policy where name = 'requires_rehearsal' and $1::jsonb is null returning name
)
insert into governed_rollout.policy (name, value)
select 'requires_rehearsal', $1::jsonb where $1::jsonb is not null
on conflict (name) do update set value = excluded.value, set_by = current_user, set_at = now();
