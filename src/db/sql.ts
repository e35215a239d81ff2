import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Executed, SqlRef } from '../shared/progress';

/** sql/ at the repository root, from src/db and from dist/db alike. */
export const SQL_DIR = path.resolve(__dirname, '..', '..', 'sql');

export interface SqlScript extends SqlRef {
  text: string;
  statements: string[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** sha256 of bytes as they are, as `sha256sum` prints it for a file. */
export function bytesSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function fileSha256(file: string): string {
  return bytesSha256(readFileSync(file));
}

function script(name: string, text: string, statements: string[]): SqlScript {
  return { name, text, statements, sha256: sha256(text) };
}

// Parameterised scripts hold plain statements that each end a line with `;`. Dollar-quoted
// bodies would defeat that split, so a script that needs one runs as a single statement.
function splitStatements(name: string, text: string): string[] {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n');
  if (code.includes('$$')) return [text];
  const statements = code
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (statements.length === 0) throw new Error(`sql/${name} holds no statement`);
  return statements;
}

const cache = new Map<string, SqlScript>();

/** A script from sql/, by its path there, e.g. `scan/apply_states.sql`. */
export function sqlFile(name: string): SqlScript {
  let loaded = cache.get(name);
  if (!loaded) {
    const text = readFileSync(path.join(SQL_DIR, name), 'utf8');
    loaded = script(name, text, splitStatements(name, text));
    cache.set(name, loaded);
  }
  return loaded;
}

export const SEED_SCRIPT = 'commit_ready_f6_ownership_seed.sql';

/**
 * A `-- @section NAME` block of a psql script, up to the next marker, run verbatim as one
 * statement. This is how the seed activity runs the very statements the operators run by hand.
 */
export function sqlSection(file: string, section: string): SqlScript {
  const key = `${file}#${section}`;
  let loaded = cache.get(key);
  if (!loaded) {
    const text = sqlFile(file).text;
    const match = new RegExp(`^-- @section ${section}\\n([\\s\\S]*?)(?=^-- @(?:section|end)\\b)`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`sql/${file} has no section ${section}`);
    const body = match[1].trim();
    loaded = script(key, body, [body]);
    cache.set(key, loaded);
  }
  return loaded;
}

// Defined in the shared contract, which the workflow reads too; re-exported for the activities.
export type { Executed };

export function executed(scripts: readonly SqlScript[]): Executed {
  const sql = scripts.map(({ name, sha256: digest }) => ({ name, sha256: digest }));
  return { sql, sqlSha256: sha256(sql.map((s) => `${s.name}:${s.sha256}`).join('\n')) };
}
