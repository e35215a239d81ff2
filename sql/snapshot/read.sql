select snapshot_ref, inventory_hash, object_count from source_snapshot where snapshot_ref = $1;
