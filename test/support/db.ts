import { Client } from 'pg';
import { createSnapshot } from '../../src/db/snapshot';
import { createPool, withTransaction, type Pool } from '../../src/db/pool';
import { TEMPLATE_DB, uniqueDbName } from './names';

export const APR = 'APR-BOOT-AUTHMODEL-1';

function adminUrl(): string {
  const url = process.env.GR_TEST_PG_URL;
  if (!url) throw new Error('GR_TEST_PG_URL is not set: run the tests through jest (globalSetup)');
  return url;
}

export function urlOf(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** One statement (or script) on a connection of its own, closed afterwards: for admin work beside a pool. */
export async function queryOnce(connectionString: string, sql: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh copy of the clone fixture at baseline (or, with template null, an empty database). */
export async function freshDatabase(template: string | null = TEMPLATE_DB): Promise<TestDatabase> {
  const name = uniqueDbName();
  await queryOnce(adminUrl(), `create database ${name}${template ? ` template ${template}` : ''}`);
  const url = urlOf(name);
  const pool = createPool(url);
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await queryOnce(adminUrl(), `drop database if exists ${name} with (force)`);
    },
  };
}

/** What people do to open the gate: ratify the APR. */
export async function ratify(pool: Pool, apr = APR, by = 'president@l4'): Promise<void> {
  await pool.query('insert into os_proposal_approvals (proposal_code, approved_by) values ($1, $2)', [apr, by]);
}

/** Every base table's row count and an md5 over its rows: equal fingerprints, equal contents. */
export async function fingerprint(pool: Pool): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' order by tablename",
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ n: string; digest: string }>(
      `select count(*) as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest from ` +
        `"${name}" t`,
    );
    result[name] = `${rows[0]?.n}:${rows[0]?.digest}`;
  }
  return result;
}

export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string | number }>(sql, params);
  return Number(rows[0]?.n);
}

/** What `rollout snapshot create` does: record the inventory as it is now. */
export async function takeSnapshot(pool: Pool): Promise<string> {
  return withTransaction(pool, createSnapshot);
}
