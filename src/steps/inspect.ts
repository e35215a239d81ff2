// What the steps' inspections share: one precondition as the plan prints it, and a one-row read.
import { runScript, type PoolClient } from '../db/pool';
import { sqlFile } from '../db/sql';
import type { Check } from './types';

export function check(name: string, ok: boolean, expected: string | number, actual: string | number, note = ''): Check {
  return { name, ok, expected: String(expected), actual: String(actual), note };
}

export async function one<R extends Record<string, unknown>>(
  client: PoolClient,
  file: string,
  params: unknown[],
): Promise<R | undefined> {
  return (await runScript<R>(client, sqlFile(file), params)).rows[0];
}
