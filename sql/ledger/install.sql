-- The rollout's own registry on the target, as Sqitch keeps its registry and Flyway its schema history:
-- which rollout wrote which rows, which steps finished, in a schema of its own. No governance table
-- carries a column of ours. Installed once by the database owner (`rollout db install`), idempotent.
create schema if not exists governed_rollout;
comment on schema governed_rollout is 'governed-rollout ledger: which rollout wrote which rows (never edited by hand)';

create table if not exists governed_rollout.ledger_version (
  version      integer primary key,
  installed_at timestamptz not null default now(),
  installed_by text not null default current_user
);
insert into governed_rollout.ledger_version (version) values (1) on conflict (version) do nothing;

-- The rows one step of one rollout wrote, by the relation's ledger key (docs/CONTRACT.md), one entry
-- per relation: written set-based in the transaction of the rows it records, never a row per row.
create table if not exists governed_rollout.written (
  rollout_id  text not null,
  step        text not null check (step in ('seed', 'scan', 'cursor')),
  relation    text not null,
  key_column  text not null,
  keys        text[] not null,
  -- What an update replaced (the cursor), so its compensation can put it back.
  prior       jsonb,
  written_at  timestamptz not null default now(),
  reverted_at timestamptz,
  primary key (rollout_id, step, relation)
);
-- Out of line but uncompressed: a scan's entry holds hundreds of thousands of ids, and compressing them
-- (pglz, in the statement that inserts the rows) cost more of the scanner's write than any other part of
-- the ledger, for a few MB saved on a table only the compensation and the remains check read.
alter table governed_rollout.written alter column keys set storage external;

-- A step that committed, with what it reported: a retry after a lost acknowledgement reads it here,
-- among its own rollout's entries only.
create table if not exists governed_rollout.step_done (
  rollout_id  text not null,
  step        text not null check (step in ('seed', 'scan', 'cursor')),
  result      jsonb not null,
  done_at     timestamptz not null default now(),
  reverted_at timestamptz,
  primary key (rollout_id, step)
);

-- A step handed to an outside script (production's own seed through psql): recorded before it runs,
-- so rows it committed before its acknowledgement was lost are known to be this rollout's.
create table if not exists governed_rollout.step_started (
  rollout_id text not null,
  step       text not null check (step in ('seed', 'scan', 'cursor')),
  started_at timestamptz not null default now(),
  primary key (rollout_id, step)
);

-- The evidence packet of every rollout that ended, sealed (src/evidence), so a report outlives
-- Temporal's retention. Append-only: a retried write finds its own packet and writes nothing.
create table if not exists governed_rollout.evidence (
  rollout_id      text primary key,
  workflow_id     text not null,
  state           text not null,
  digest          text not null unique,
  previous_digest text,
  packet          jsonb not null,
  recorded_at     timestamptz not null default now()
);
create index if not exists evidence_workflow_idx on governed_rollout.evidence (workflow_id, recorded_at);

-- The target's owner's rules for rollouts here, e.g. that production requires a completed clone
-- rehearsal (`rollout db require-rehearsal`). The worker only reads them.
create table if not exists governed_rollout.policy (
  name   text primary key check (name in ('requires_rehearsal')),
  value  jsonb not null,
  set_by text not null default current_user,
  set_at timestamptz not null default now()
);
