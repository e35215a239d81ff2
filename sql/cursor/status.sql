-- Whether this rollout's ledger holds an advance of the cursor not yet put back. $1 rollout id.
select exists (select 1 from governed_rollout.written
                where rollout_id = $1 and step = 'cursor' and relation = 'scan_cursor'
                  and reverted_at is null) as advanced;
