// Production's own seed script runs through psql, exactly as the packet's channel runs it: a child
// process connected as the worker is, given -v ratified_apr, its output kept for the failure message.
import { spawn } from 'node:child_process';
import { poolTarget, type Pool } from './pool';

export interface PsqlRun {
  exitCode: number;
  /** The last ERROR line psql printed, for a one-line refusal. */
  error: string | null;
}

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
      ...(target.password !== undefined ? { PGPASSWORD: target.password } : {}),
    });
  }
  return env;
}

/**
 * Runs `psql -X -v ON_ERROR_STOP=1 -v ratified_apr=APR -f FILE`. The APR is a psql variable, never
 * spliced into SQL by us: the script reads it as :'ratified_apr'.
 */
export async function runPsql(file: string, apr: string, env: NodeJS.ProcessEnv): Promise<PsqlRun> {
  const psql = process.env.PSQL_PATH ?? 'psql';
  return new Promise((resolve, reject) => {
    const child = spawn(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `ratified_apr=${apr}`, '-f', file], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const errors = stderr.split('\n').filter((line) => /\bERROR:|FATAL:|psql:/.test(line));
      resolve({ exitCode: code ?? 1, error: errors.at(-1)?.trim() ?? null });
    });
  });
}
