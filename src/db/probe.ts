// A second, short-lived connection that asks the server about one of our sessions. A long statement and a
// dead link look the same from the first connection (no byte passes either way); only the server can tell
// them apart, and only a fresh connection can ask it. Through a stalled tunnel that connection stalls too,
// which is an answer of its own.
import type { QueryResultRow } from 'pg';
import type { TargetClient } from './client';

export type ProbeClients = () => TargetClient;

export class ProbeUnanswered extends Error {}

/** One statement on a fresh connection, connect to answer within boundMs; the connection is closed after. */
export async function askOnce<R extends QueryResultRow>(
  make: ProbeClients,
  sql: string,
  params: readonly unknown[],
  boundMs: number,
): Promise<R[]> {
  const client = make();
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new ProbeUnanswered(`a second connection got no answer within ${boundMs / 1000} s`));
    }, boundMs);
  });
  const ask = async () => {
    await client.connect();
    return (await client.query<R>(sql, params as unknown[])).rows;
  };
  try {
    return await Promise.race([ask(), bound]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

/**
 * The server itself refused the second connection (too many clients, say): bytes came back through the
 * link, so it carries; no verdict on the session, which is given the benefit of it rather than killed.
 */
export function serverRefused(err: unknown): boolean {
  return typeof err === 'object' && err !== null && /^[0-9A-Z]{5}$/.test(String((err as { code?: unknown }).code));
}

/** Why a second connection could not ask: in the words of a verdict. */
export function whyUnasked(err: unknown): string {
  return err instanceof ProbeUnanswered ? err.message : `a second connection failed (${String(err)})`;
}

/** Not alive: why, and whether the second connection got through (then the stranded session can be ended now). */
export type SessionVerdict = { alive: true } | { alive: false; why: string; reachable: boolean };

interface Activity {
  state: string | null;
  wait_event: string | null;
}

/**
 * Is session `pid` working on a statement? Active is alive, unless it is blocked writing its answer to
 * us (wait_event ClientWrite), which through a stalled link it stays for ever. Idle means our statement or
 * its answer was lost on the way; gone means the server ended it.
 */
export async function sessionVerdict(make: ProbeClients, pid: number, boundMs: number): Promise<SessionVerdict> {
  let rows: Activity[];
  try {
    const sql = 'select state, wait_event from pg_stat_activity where pid = $1';
    rows = await askOnce<Activity>(make, sql, [pid], boundMs);
  } catch (err) {
    return serverRefused(err) ? { alive: true } : { alive: false, why: whyUnasked(err), reachable: false };
  }
  const row = rows[0];
  const lost = (why: string): SessionVerdict => ({ alive: false, why, reachable: true });
  if (!row) return lost(`the server has no session ${pid} any more`);
  if (row.state === 'active' && row.wait_event !== 'ClientWrite') return { alive: true };
  const session = `the server's session ${pid}`;
  if (row.state === 'active') return lost(`${session} is stuck sending us its answer`);
  const state = row.state ?? 'in an unknown state';
  return lost(`${session} is ${state}: our statement or its answer was lost on the way`);
}

/**
 * Ends sessions of ours that a stalled link stranded, so their transactions roll back (and the rollout lock
 * goes) now rather than at the server's idle-in-transaction limit. $1 pid or $2 application_name, and $3:
 * it started at least this many seconds ago, so a pid or name since given to a newer session is left alone.
 */
export const TERMINATE_STRANDED_SQL = `select pg_terminate_backend(pid) from pg_stat_activity
  where ($1::int is null or pid = $1) and ($2::text is null or application_name = $2)
    and usename = current_user and backend_start <= now() - make_interval(secs => $3)`;
