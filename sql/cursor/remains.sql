-- Whether the cursor still holds this rollout's advance that was never put back: after its compensation,
-- no. $1 rollout id.
select 'scan_cursor' as relation, count(*)::int as rows
  from governed_rollout.written w
  join scan_cursor c on c.cursor_name = w.keys[1]
 where w.rollout_id = $1 and w.step = 'cursor' and w.relation = 'scan_cursor' and w.reverted_at is null
   and c.snapshot_ref is not distinct from w.prior ->> 'advanced_to';
