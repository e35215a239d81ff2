-- What a snapshot ref records: a hash of the inventory's rows (not of the view's definition,
-- which renders differently after a dump-reload), and their count.
select md5(coalesce(string_agg(object_ref || '|' || object_kind || '|' || object_type || '|' || coalesce(parent_ref, ''), E'\n'
                               order by object_ref), '')) as inventory_hash,
       count(*)::int as object_count
  from v_governance_object_inventory;
