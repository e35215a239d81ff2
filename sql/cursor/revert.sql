-- Puts back what the ledger says this rollout's advance replaced, only while the cursor still holds the
-- advance. The rollout: governed_rollout.rollout_id, set by sql/ledger/bind.sql.
update scan_cursor c
   set snapshot_ref = w.prior ->> 'snapshot_ref'
  from governed_rollout.written w
 where w.rollout_id = current_setting('governed_rollout.rollout_id') and w.step = 'cursor'
   and w.relation = 'scan_cursor' and w.reverted_at is null
   and c.cursor_name = w.keys[1]
   and c.snapshot_ref is not distinct from w.prior ->> 'advanced_to'
returning c.snapshot_ref;
