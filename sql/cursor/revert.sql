-- Puts back the row as it was read before the scan, only while it still holds this rollout's advance.
-- $1 cursor, $2 to, $3 rollout id, $4..$7 the prior snapshot_ref, previous_snapshot_ref, advanced_by_rollout, advanced_at.
update scan_cursor
   set snapshot_ref = $4::text,
       previous_snapshot_ref = $5::text,
       advanced_by_rollout = $6::text,
       advanced_at = $7::timestamptz
 where cursor_name = $1
   and snapshot_ref is not distinct from $2::text
   and advanced_by_rollout = $3
returning snapshot_ref;
