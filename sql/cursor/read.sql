select snapshot_ref, advanced_by_rollout from scan_cursor where cursor_name = $1;
