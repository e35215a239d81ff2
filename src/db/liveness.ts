// Every round trip to PostgreSQL proves itself alive or ends. A stalled link (a tunnel that keeps the socket
// open and passes nothing) looks, from the client, exactly like a long statement: no byte either way, TCP
// keepalives answered by the tunnel's near end. So a statement that stays unanswered is checked on a second
// connection; the server says whether it is still working on it. Not working, or not reachable, and the
// connection is destroyed: the query fails, the activity attempt fails, Temporal retries on a fresh one.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, ClientConfig } from 'pg';
import { TargetClient, type ClientHow } from './client';
import { DatabaseUnreachable } from './unreachable';
import { askOnce, sessionVerdict, TERMINATE_STRANDED_SQL, type ProbeClients } from './probe';

export const LIVENESS = {
  /** A statement unanswered this long is checked on a second connection, and again this long after each proof. */
  probeAfterMs: 5_000,
  /** The check's own bound, connect to answer. */
  probeBoundMs: 10_000,
  /** How often a waiting session looks at its clock. */
  tickMs: 1_000,
  /** A "not working on it" verdict waits this long for an answer that may have crossed it. */
  graceMs: 1_000,
  /** A session waiting on a statement counts as alive this long after its last proof (an answer or a check). */
  provenForMs: 10_000,
} as const;

/** From a statement's last proof of life to its destroyed connection, at most. */
export const DETECTION_BOUND_MS = LIVENESS.probeAfterMs + LIVENESS.probeBoundMs + LIVENESS.tickMs + LIVENESS.graceMs;

export { DatabaseUnreachable } from './unreachable';

/** What a heartbeat asks of each session an activity used: is it idle, or proven working? */
export interface Liveness {
  alive(now: number): boolean;
}

const activitySessions = new AsyncLocalStorage<Set<Liveness>>();

/** Called by a session as it starts waiting: the activity running it (if any) now answers for it. */
export function enlist(session: Liveness): void {
  activitySessions.getStore()?.add(session);
}

/** Runs fn, collecting the sessions it waits on; alive() is true while every one of them is idle or proven. */
export function trackSessions<T>(fn: () => Promise<T>): { result: Promise<T>; alive: () => boolean } {
  const sessions = new Set<Liveness>();
  const result = activitySessions.run(sessions, fn);
  return {
    result,
    alive: () => {
      const now = Date.now();
      for (const s of sessions) if (!s.alive(now)) return false;
      return true;
    },
  };
}

/** When PostgreSQL last answered this process, per target: "since when" of an unreachable database. */
export class Reachability {
  private lastHeard: number | undefined;
  private firstMissed: number | undefined;

  constructor(readonly where: string) {}

  heard(now = Date.now()): void {
    this.lastHeard = now;
    this.firstMissed = undefined;
  }

  since(now = Date.now()): string {
    this.firstMissed ??= now;
    return new Date(this.lastHeard ?? this.firstMissed).toISOString();
  }
}

/** A server session of ours cut off from us: by pid (a pool's) or by its unique application_name (psql's). */
export interface StrandedSession {
  pid?: number;
  applicationName?: string;
  /** When it had started by at the latest, by our clock: a pid or name given to a later session is left alone. */
  startedBy: number;
}

/**
 * Sessions whose connection we destroyed while the server may keep them (and their open transaction, and
 * the rollout lock) until its idle-in-transaction limit: ended by the next connection that works.
 */
export class Stranded {
  private readonly sessions = new Map<string, StrandedSession>();

  add(session: StrandedSession): void {
    this.sessions.set(String(session.pid ?? session.applicationName), session);
  }

  get size(): number {
    return this.sessions.size;
  }

  async end(run: (sql: string, params: unknown[]) => Promise<unknown>): Promise<void> {
    for (const [key, s] of [...this.sessions]) {
      // A second of slack for reading the two clocks' durations.
      const ageS = Math.max(0, (Date.now() - s.startedBy) / 1000 - 1);
      await run(TERMINATE_STRANDED_SQL, [s.pid ?? null, s.applicationName ?? null, ageS]);
      this.sessions.delete(key);
    }
  }
}

/** Ends the stranded sessions now, on a connection of their own: through a dead link this fails, harmlessly. */
export async function endStranded(watch: WatchContext): Promise<void> {
  const ask = (sql: string, params: unknown[]) => askOnce(watch.probeClients, sql, params, LIVENESS.probeBoundMs);
  await watch.stranded.end(ask).catch(() => undefined);
}

export interface WatchContext {
  reach: Reachability;
  probeClients: ProbeClients;
  stranded: Stranded;
  /** When a session of this pool last was found stalled: idle connections older than that shared its link. */
  stalledAt: number;
}

type QueryFn = (...args: unknown[]) => unknown;

/** A pool's client: every query it waits on is watched (see the top of this file). */
export class WatchedClient extends TargetClient implements Liveness {
  private pending = 0;
  /** The last proof of life: the statement sent, an answer, or a check that found the server working on it. */
  private provenAt = 0;
  private connectedAt = 0;
  private ticker: NodeJS.Timeout | undefined;
  private checking = false;
  private stalled = false;

  constructor(
    config: ClientConfig,
    how: ClientHow,
    private readonly watch: WatchContext,
  ) {
    super(config, how);
    // Every message the server sends, parsed: an answer, a row, a notice.
    this.connection.on('message', () => {
      const now = Date.now();
      this.connectedAt ||= now;
      this.provenAt = now;
      watch.reach.heard(now);
    });
    const query = this.query.bind(this) as QueryFn;
    this.query = ((...args: unknown[]) => this.watched(query, args)) as Client['query'];
  }

  alive(now: number): boolean {
    return this.pending === 0 || now - this.provenAt < LIVENESS.provenForMs;
  }

  /** Idle since before a stall on the same link: not to be handed out (it would cost a detection of its own). */
  suspect(): boolean {
    return this.provenAt < this.watch.stalledAt;
  }

  private watched(query: QueryFn, args: unknown[]): unknown {
    // Submittables (cursors, streams) drive their own round trips; none is used here.
    if (typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') return query(...args);
    this.begin();
    const done = () => {
      this.finish();
    };
    const last = args.findIndex((a) => typeof a === 'function');
    try {
      if (last >= 0) {
        const callback = args[last] as (...r: unknown[]) => void;
        args[last] = (...r: unknown[]) => {
          done();
          callback(...r);
        };
        return query(...args);
      }
      const result = query(...args) as Promise<unknown>;
      result.then(done, done);
      return result;
    } catch (err) {
      done();
      throw err;
    }
  }

  private begin(): void {
    enlist(this);
    if (this.pending++ > 0) return;
    this.provenAt = Date.now();
    this.ticker = setInterval(() => {
      this.tick();
    }, LIVENESS.tickMs);
  }

  private finish(): void {
    this.pending = Math.max(0, this.pending - 1);
    if (this.pending > 0) return;
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private tick(): void {
    const silent = Date.now() - this.provenAt;
    // The check is bounded; this only catches a check that somehow never returned.
    if (silent >= DETECTION_BOUND_MS + LIVENESS.tickMs) this.stall('no verdict on it could be had', false);
    else if (silent >= LIVENESS.probeAfterMs && !this.checking) void this.check();
  }

  private async check(): Promise<void> {
    this.checking = true;
    const asked = Date.now();
    const answeredSince = () => this.pending === 0 || this.provenAt > asked;
    try {
      const pid = (this as unknown as { processID: number | null }).processID;
      const verdict = pid
        ? await sessionVerdict(this.watch.probeClients, pid, LIVENESS.probeBoundMs)
        : { alive: false as const, why: 'the session has no backend pid', reachable: false };
      if (answeredSince()) return;
      if (verdict.alive) {
        this.provenAt = Date.now();
        this.watch.reach.heard();
        return;
      }
      await new Promise((r) => setTimeout(r, LIVENESS.graceMs));
      if (!answeredSince()) this.stall(verdict.why, verdict.reachable);
    } finally {
      this.checking = false;
    }
  }

  private stall(why: string, reachable: boolean): void {
    if (this.pending === 0 || this.stalled) return;
    this.stalled = true;
    this.watch.stalledAt = Date.now();
    clearInterval(this.ticker);
    const since = new Date(this.provenAt).toISOString();
    const pid = (this as unknown as { processID: number | null }).processID;
    if (pid) {
      this.watch.stranded.add({ pid, startedBy: this.connectedAt });
      // Now, if new connections get through; else the pool's next one does it (and nothing keeps the CLI waiting).
      if (reachable) void endStranded(this.watch);
    }
    const err = new DatabaseUnreachable(
      `PostgreSQL at ${this.watch.reach.where} stopped answering: ` +
        `no reply to a statement since ${since}, and ${why}; the connection was closed`,
      since,
    );
    // pg fails every query of the connection with this error.
    this.connection.stream.destroy(err);
  }
}
