-- Guarded compare-and-set: moves only from the value read before the scan. $1 cursor, $2 from, $3 to, $4 rollout id.
update scan_cursor
   set previous_snapshot_ref = snapshot_ref,
       snapshot_ref = $3,
       advanced_by_rollout = $4,
       advanced_at = now()
 where cursor_name = $1
   and snapshot_ref is not distinct from $2::text
   and $2::text is distinct from $3::text
returning snapshot_ref;
