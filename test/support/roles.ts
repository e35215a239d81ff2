// The worker as a least-privilege login (sql/roles/rollout_operator.sql), beside the owner's pool.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPool, type Pool } from '../../src/db/pool';
import { queryOnce, urlOf } from './db';
import { useEach } from './each';

const ROLE_SQL = readFileSync(path.resolve(__dirname, '..', '..', 'sql', 'roles', 'rollout_operator.sql'), 'utf8');

export async function asAdmin(database: string, sql: string): Promise<void> {
  await queryOnce(urlOf(database), sql);
}

export interface OperatorLogin {
  name: string;
  /** Its connection string, password included: the worker's own DATABASE_URL. */
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * sql/roles/rollout_operator.sql in the database, and a login with a random password granted the role.
 * The role is cluster-wide and suites running side by side share it: no suite drops it (one that did
 * failed while another's databases still held its grants); it goes with the run's PostgreSQL.
 */
export async function operatorLogin(database: string): Promise<OperatorLogin> {
  await asAdmin(database, ROLE_SQL);
  const name = `ro_login_${randomBytes(6).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await asAdmin(database, `create role ${name} login password '${password}' in role rollout_operator`);
  const url = new URL(urlOf(database));
  url.username = name;
  url.password = password;
  const pool = createPool(url.toString());
  return {
    name,
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      await asAdmin('postgres', `drop role if exists ${name}`);
    },
  };
}

/** A login per test, dropped after it: `const operator = useOperatorLogin();`, then `await operator(db)`. */
export function useOperatorLogin(): (database: string) => Promise<OperatorLogin> {
  return useEach(operatorLogin, (login) => login.drop());
}
