-- The installed ledger's version (only read once the table is known to exist).
select max(version)::int as version from governed_rollout.ledger_version;
