// Production's own seed script runs through psql, exactly as the packet's channel runs it: a child
// process connected as the worker is, given -v ratified_apr, its output kept for the failure message.
import { spawn } from 'node:child_process';
import { DETECTION_BOUND_MS, DatabaseUnreachable, endStranded, enlist, LIVENESS } from './liveness';
import type { Liveness, WatchContext } from './liveness';
import { poolTarget, type Pool } from './pool';
import { askOnce, serverRefused, whyUnasked } from './probe';

export interface PsqlRun {
  exitCode: number;
  /** The last ERROR line psql printed, for a one-line refusal. */
  error: string | null;
}

/** libpq's connect bound for psql when the connection string names none: the pool's. */
const PSQL_CONNECT_TIMEOUT_S = 10;

/** libpq's environment for the child: where and as whom the worker's own pool connects. */
export function psqlEnv(pool: Pool, applicationName: string, options: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: applicationName, PGOPTIONS: options };
  const target = poolTarget(pool);
  if (target) {
    // Passed as libpq variables, never on the command line, where `ps` would show the password.
    Object.assign(env, {
      PGHOST: target.host,
      PGPORT: String(target.port),
      PGUSER: target.user,
      PGDATABASE: target.database,
      PGSSLMODE: target.sslmode,
      PGPASSFILE: target.passfile,
      PGCONNECT_TIMEOUT: String(target.connectTimeoutSeconds ?? PSQL_CONNECT_TIMEOUT_S),
      ...(target.password !== undefined ? { PGPASSWORD: target.password } : {}),
    });
  }
  return env;
}

interface PsqlActivity {
  pid: number;
  state: string | null;
  wait_event: string | null;
  quiet_s: number;
}

/** reachable: the second connection got through, so psql's session can be ended now. */
type Verdict = { alive: boolean; why: string; reachable: boolean } | null;
const ALIVE: Verdict = { alive: true, why: '', reachable: true };
const lost = (why: string): Verdict => ({ alive: false, why, reachable: true });

/**
 * psql's session as the server sees it, asked on a fresh connection. psql sends a script's statements back to
 * back, so its session is active, or idle only for a moment: idle longer than a check's interval means
 * psql's statements, or the server's answers, no longer get through. Null: no session to be seen (psql
 * connecting, within its own connect bound, or finishing).
 */
async function psqlVerdict(watch: WatchContext, applicationName: string): Promise<Verdict> {
  let rows: PsqlActivity[];
  try {
    rows = await askOnce<PsqlActivity>(
      watch.probeClients,
      `select pid, state, wait_event, extract(epoch from now() - state_change)::float8 as quiet_s
         from pg_stat_activity
        where application_name = $1 and usename = current_user and datname = current_database()`,
      [applicationName],
      LIVENESS.probeBoundMs,
    );
  } catch (err) {
    return serverRefused(err) ? ALIVE : { alive: false, why: whyUnasked(err), reachable: false };
  }
  const row = rows[0];
  if (!row) return null;
  if (row.state === 'active') {
    if (row.wait_event !== 'ClientWrite') return ALIVE;
    return lost(`psql's session ${row.pid} is stuck sending psql its answer`);
  }
  if (row.quiet_s * 1000 < LIVENESS.probeAfterMs) return ALIVE;
  const quiet = `${row.state ?? '?'} for ${Math.round(row.quiet_s)} s`;
  return lost(`psql's session ${row.pid} has been ${quiet}: its statements no longer get through`);
}

/**
 * Watches a running psql as the pool's sessions are watched (src/db/liveness.ts): proven while the server
 * sees its session working; stopped, with its server session ended, when the link is found dead.
 */
class PsqlSession implements Liveness {
  private provenAt = Date.now();
  private checking = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly watch: WatchContext,
    private readonly applicationName: string,
    private readonly stop: (why: string, since: string) => void,
  ) {
    this.timer = setInterval(() => {
      void this.check();
    }, LIVENESS.probeAfterMs);
    enlist(this);
  }

  alive(now: number): boolean {
    return now - this.provenAt < LIVENESS.provenForMs;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const verdict = await psqlVerdict(this.watch, this.applicationName);
      if (verdict?.alive) {
        this.provenAt = Date.now();
        this.watch.reach.heard();
      } else if (verdict || Date.now() - this.provenAt > DETECTION_BOUND_MS) {
        this.close();
        const why = verdict?.why ?? 'no session of psql is to be seen on the server';
        this.stop(why, new Date(this.provenAt).toISOString());
        // Its transaction rolls back now, not at the server's idle limit: ended by the pool's next connection
        // that works (through a dead link, this one's would not).
        this.watch.stranded.add({ applicationName: this.applicationName, startedBy: Date.now() });
        if (verdict?.reachable !== false) await endStranded(this.watch);
      }
    } finally {
      this.checking = false;
    }
  }
}

/**
 * Runs `psql -X -v ON_ERROR_STOP=1 -v ratified_apr=APR -f FILE`. The APR is a psql variable, never
 * spliced into SQL by us: the script reads it as :'ratified_apr'. With `watch`, psql's session is checked
 * as the pool's are, and a psql whose link died is killed: DatabaseUnreachable, which Temporal retries.
 */
export async function runPsql(
  file: string,
  apr: string,
  env: NodeJS.ProcessEnv,
  watch?: WatchContext,
): Promise<PsqlRun> {
  const psql = process.env.PSQL_PATH ?? 'psql';
  return new Promise((resolve, reject) => {
    const child = spawn(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `ratified_apr=${apr}`, '-f', file], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stopped: DatabaseUnreachable | undefined;
    const session =
      watch && env.PGAPPNAME
        ? new PsqlSession(watch, env.PGAPPNAME, (why, since) => {
            stopped = new DatabaseUnreachable(
              `psql's connection to PostgreSQL at ${watch.reach.where} stopped answering: ` +
                `no sign of progress since ${since}, and ${why}; psql was stopped`,
              since,
            );
            child.kill('SIGKILL');
          })
        : undefined;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    child.on('error', (err) => {
      session?.close();
      reject(err);
    });
    child.on('close', (code) => {
      session?.close();
      if (stopped) {
        reject(stopped);
        return;
      }
      const errors = stderr.split('\n').filter((line) => /\bERROR:|FATAL:|psql:/.test(line));
      resolve({ exitCode: code ?? 1, error: errors.at(-1)?.trim() ?? null });
    });
  });
}
