-- A rollback by hand, when Temporal cannot run the compensation (docs/OPERATIONS.md): every step of one
-- rollout undone, from its ledger entries, with the very revert scripts the compensation runs.
--   psql -X -d directus -v rollout_id='<the report's rollout id>' -f sql/ledger/rollback_by_hand.sql
\set ON_ERROR_STOP on
\if :{?rollout_id}
\else
  \echo 'usage: psql -v rollout_id=<ROLLOUT-ID> -f sql/ledger/rollback_by_hand.sql'
  do $$ begin raise exception 'missing -v rollout_id=<ROLLOUT-ID>'; end $$;
\endif
begin;
\ir ../lock.sql
select set_config('governed_rollout.rollout_id', :'rollout_id', true);
\ir ../cursor/revert.sql
\ir ../scan/revert.sql
\ir ../seed/revert.sql
update governed_rollout.written set reverted_at = now() where rollout_id = :'rollout_id' and reverted_at is null;
update governed_rollout.step_done set reverted_at = now() where rollout_id = :'rollout_id' and reverted_at is null;
commit;
