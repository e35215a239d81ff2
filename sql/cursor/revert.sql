-- Back to the value before this rollout, only while the cursor still holds this rollout's advance.
-- $1 cursor, $2 from (restored), $3 to, $4 rollout id.
update scan_cursor
   set snapshot_ref = $2::text,
       previous_snapshot_ref = null,
       advanced_by_rollout = null,
       advanced_at = now()
 where cursor_name = $1
   and snapshot_ref is not distinct from $3::text
   and advanced_by_rollout = $4
returning snapshot_ref;
