-- The one row a scan appends on every run, its ledger entry, and the step done, in one statement, with
-- the scan cursor as it stood before (what the cursor step compares and sets from).
-- $1 ruleset id, $2 snapshot ref, $3 rollout id, $4/$5 states/objects inserted, $6 the cursor's ref before.
with run as (
  insert into candidate_scan_run (ruleset_id, snapshot_ref)
  values ($1, $2)
  returning scan_run_id
), recorded as (
  insert into governed_rollout.written (rollout_id, step, relation, key_column, keys)
  select $3, 'scan', 'candidate_scan_run', 'scan_run_id', array[scan_run_id::text] from run
), done as (
  insert into governed_rollout.step_done (rollout_id, step, result)
  select $3, 'scan', jsonb_build_object('scanRunId', scan_run_id, 'rulesetId', $1::bigint,
                                        'statesInserted', $4::int, 'objectsInserted', $5::int,
                                        'cursorFrom', $6::text)
    from run
)
select scan_run_id from run;
