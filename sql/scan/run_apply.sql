-- The one row a scan appends on every run. $1 ruleset id, $2 snapshot ref, $3 rollout id, $4/$5 inserted counts.
insert into candidate_scan_run (ruleset_id, snapshot_ref, rollout_id, states_inserted, objects_inserted)
values ($1, $2, $3, $4, $5)
returning scan_run_id;
