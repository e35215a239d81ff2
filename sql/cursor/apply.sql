-- Guarded compare-and-set: moves only from the value read before the scan, and records in the ledger,
-- in the same statement, what it replaced and where it put it. $1 cursor, $2 from, $3 to, $4 rollout id.
with moved as (
  update scan_cursor
     set snapshot_ref = $3
   where cursor_name = $1
     and snapshot_ref is not distinct from $2::text
     and $2::text is distinct from $3::text
  returning cursor_name
)
insert into governed_rollout.written (rollout_id, step, relation, key_column, keys, prior)
select $4, 'cursor', 'scan_cursor', 'cursor_name', array[cursor_name::text],
       jsonb_build_object('snapshot_ref', $2::text, 'advanced_to', $3::text)
  from moved
returning keys;
