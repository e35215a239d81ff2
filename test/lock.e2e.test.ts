// The rollout lock held by someone else for longer than one bounded try: the rollout waits visibly,
// naming the holder in Temporal's record of the retrying step, and finishes once the lock goes.
import { formatWaiting, pendingWaits, type Waiting } from '../src/cli/waiting';
import { SESSION_LIMITS } from '../src/db/pool';
import { envFor, rollout } from './support/cli';
import { fingerprint } from './support/db';
import { holdRolloutLock } from './faults/support/processWorker';
import { useHarness } from './support/harness';
import { PACKET_SEEDED } from './support/packet';

describe('a rollout lock held elsewhere', () => {
  const harness = useHarness();

  test(
    'progress names the holder while the seed waits ' + 'in bounded tries; the rollout finishes once it ' + 'goes',
    async () => {
      const h = await harness({ ratified: true });
      const lock = await holdRolloutLock(h.db.url);
      try {
        const handle = await h.startOpened();
        const { rows } = await h.db.pool.query<{ pid: number }>(
          "select pid from pg_stat_activity where application_name = 'fault-test-lock'",
        );
        const holderPid = rows[0]?.pid;
        let seen: Waiting | undefined;
        const deadline = Date.now() + 4 * SESSION_LIMITS.lockTimeoutMs;
        while (!seen && Date.now() < deadline) {
          seen = (await pendingWaits(handle)).find((w) => w.activity === 'applyStep seed' && w.lastFailure);
          if (!seen) await new Promise((r) => setTimeout(r, 250));
        }
        expect(seen).toBeDefined();
        // The attempt, when the next one starts (between attempts), and the holder.
        const attempt = 'waiting: applyStep seed attempt \\d+(?: \\(next try \\S+\\))?';
        const waiting = `${attempt}: waiting for the rollout lock: held by pid ${holderPid}`;
        const holder = '\\(fault-test-lock, user \\w+, idle since';
        expect(formatWaiting(seen as Waiting)).toMatch(new RegExp(`^${waiting} ${holder}`));
        // Nothing was written while it waited, and `rollout progress` says what for.
        expect((await h.progress(handle)).steps[0]?.status).toBe('running');
        const shown = await rollout(
          ['progress', handle.workflowId],
          envFor(h.db, { TEMPORAL_TASK_QUEUE: h.taskQueue }),
        );

        expect(shown.stdout).toMatch(new RegExp(`\\n${waiting} \\(fault-test-lock`));
        // --watch in a pipe says it too, once per change, then follows the rollout to its end.
        const env = envFor(h.db, { TEMPORAL_TASK_QUEUE: h.taskQueue });
        const watching = rollout(['progress', handle.workflowId, '--watch', '--interval', '500ms'], env, 120_000);
        await new Promise((r) => setTimeout(r, 3_000));
        await lock.release();
        const watched = await watching;
        expect(watched.stdout).toMatch(new RegExp(waiting));
        const final = await handle.result();
        expect(final.state).toBe('COMPLETED');
        expect(final.metrics).toMatchObject(PACKET_SEEDED);
      } finally {
        await lock.close();
      }
    },
  );

  test('every worker session carries the limits that end a stale transaction and bound a lock wait', async () => {
    const h = await harness({ worker: false });
    const before = await fingerprint(h.db.pool);
    const { rows } = await h.db.pool.query<Record<string, string>>(
      `select current_setting('idle_in_transaction_session_timeout') as idle, current_setting('lock_timeout') as lock,
              current_setting('statement_timeout') as statement, current_setting('tcp_keepalives_idle') as keepalive`,
    );
    expect(rows[0]).toEqual({ idle: '30s', lock: '10s', statement: '10min', keepalive: '10' });
    expect(await fingerprint(h.db.pool)).toEqual(before);
  });
});
