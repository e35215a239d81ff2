import type { PoolClient } from './pool';
import { runScript } from './pool';
import { sqlFile } from './sql';

const LOCK_SQL = sqlFile('lock.sql');

interface Holder {
  pid: number;
  application_name: string;
  state: string | null;
  since: string | null;
  user_name: string;
}

/** Why an attempt gave up on the rollout lock: a plain error, so Temporal retries it with backoff. */
export class RolloutLockBusy extends Error {
  constructor(readonly holder: Holder | null) {
    super(
      holder
        ? `waiting for the rollout lock: held by pid ${holder.pid} ` +
            `(${holder.application_name || 'no application_name'}, user ${holder.user_name}, ` +
            `${holder.state ?? '?'} since ${holder.since ?? '?'}); retrying`
        : 'waiting for the rollout lock: its holder just let go; retrying',
    );
    this.name = 'RolloutLockBusy';
  }
}

/**
 * One rollout writes at a time. The wait is bounded by the session's lock_timeout: an attempt that
 * meets the lock held gives up, naming the holder, and Temporal retries it, so the wait shows in the
 * activity's attempts and last failure instead of an open-ended block inside one attempt.
 */
export async function takeRolloutLock(client: PoolClient): Promise<void> {
  try {
    // No parameters: the whole file as one simple query, its statements run in order, the first error ends it.
    await client.query(LOCK_SQL.text);
  } catch (err) {
    if ((err as { code?: unknown }).code !== '55P03') throw err;
    await client.query('rollback to savepoint rollout_lock');
    const holder = (await runScript<Holder>(client, sqlFile('lock_holder.sql'))).rows[0] ?? null;
    throw new RolloutLockBusy(holder);
  }
}
