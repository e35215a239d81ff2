-- The stored evidence of a rollout, by its rollout id or its workflow id (the newest). $1 id.
select packet, digest, recorded_at::text as recorded_at
  from governed_rollout.evidence
 where rollout_id = $1 or workflow_id = $1
 order by recorded_at desc
 limit 1;
