-- The fingerprint of the tables Phase 2 writes rows into (see sql/fingerprint/base.sql). Not scan_cursor:
-- its one row is moved by others too, and its compensation is itself a guarded compare-and-set that
-- refuses when the cursor no longer holds this rollout's advance.
select jsonb_build_object(
  'governance_ruleset', (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from governance_ruleset t),
  'candidate_state',    (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from candidate_state t),
  'candidate_object',   (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from candidate_object t),
  'candidate_scan_run', (select count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) from candidate_scan_run t)
) as tables;
