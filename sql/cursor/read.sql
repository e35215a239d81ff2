-- The whole row, timestamps as text so a revert restores them to the microsecond. $1 cursor name.
select snapshot_ref, previous_snapshot_ref, advanced_by_rollout, advanced_at::text as advanced_at
  from scan_cursor where cursor_name = $1;
