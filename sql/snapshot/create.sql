-- $1: inventory hash, $2: object count. The ref names the time and the hash, so equal inventories
-- taken in the same second share a ref.
insert into source_snapshot (snapshot_ref, inventory_hash, object_count)
values ('SNAP-' || to_char(clock_timestamp() at time zone 'utc', 'YYYYMMDD"T"HH24MISS"Z"') || '-' || left($1, 8), $1, $2)
on conflict (snapshot_ref) do update set snapshot_ref = excluded.snapshot_ref
returning snapshot_ref;
