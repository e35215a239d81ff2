-- Scanner write-half, candidate_state: natural-key upsert, so a re-run inserts and updates nothing;
-- the ledger records the ids it inserted, in the same statement. $1 ruleset id, $2 domain codes,
-- $3 state, $4 rollout id.
-- Under a ruleset this transaction created (its row's xmin is ours), no other transaction can hold a
-- candidate_state: the foreign key cannot see an uncommitted ruleset. Those rows need no per-row
-- conflict arbitration and are inserted plainly; under a ruleset that was there before, ON CONFLICT
-- arbitrates the natural key as always. The inventory is read once for both.
-- The domain codes reach the planner as a sub-select's value, not as constants: given 23,809 constants it
-- spent 13 ms estimating each one and then hashed and re-sorted the counts; not given them, it merges the
-- two index-only scans in domain_code order and counts as they pass, the order the states are inserted in.
with wanted as (
  select i.domain_code, count(*) filter (where i.object_kind = 'object') as object_count
    from v_governance_object_inventory i
   where i.domain_code = any((select $2::text[])::text[])
   group by i.domain_code
), ruleset as (
  select exists (select 1 from governance_ruleset r
                  where r.ruleset_id = $1 and r.xmin = pg_current_xact_id()::xid) as ours
), under_ours as (
  insert into candidate_state (ruleset_id, domain_code, state, object_count)
  select $1, w.domain_code, $3, w.object_count from wanted w where (select ours from ruleset)
   order by w.domain_code
  returning candidate_state_id
), under_older as (
  insert into candidate_state (ruleset_id, domain_code, state, object_count)
  select $1, w.domain_code, $3, w.object_count from wanted w where not (select ours from ruleset)
   order by w.domain_code
  on conflict (ruleset_id, domain_code) do nothing
  returning candidate_state_id
)
insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
select $4, 'scan', 'candidate_state', 'candidate_state_id', coalesce(array_agg(candidate_state_id::text), '{}')
  from (select candidate_state_id from under_ours union all select candidate_state_id from under_older) ins
returning cardinality(keys) as inserted;
