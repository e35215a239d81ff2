-- The newest packet stored on this target, whose digest the next packet chains to.
select digest from governed_rollout.evidence order by recorded_at desc, rollout_id desc limit 1;
