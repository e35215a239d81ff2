import { readFileSync } from 'node:fs';
import path from 'node:path';

/** deploy/temporal: the Temporal server proper's config, dynamic config, settings and setup script. */
export const TEMPORAL_DEPLOY_DIR = path.resolve(__dirname, '..', '..', 'deploy', 'temporal');

export interface SearchAttributeSetting {
  name: string;
  type: string;
}

/** deploy/temporal/settings.env, the one source docker-compose.yml and `npm run test:cluster` share. */
export interface TemporalSettings {
  namespace: string;
  /** As written there, e.g. `30d`. */
  retention: string;
  retentionSeconds: number;
  searchAttributes: SearchAttributeSetting[];
  dbName: string;
  visibilityDbName: string;
  /** Every KEY=value of the file, for the server's config template. */
  env: Record<string, string>;
}

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

function seconds(duration: string): number {
  const match = /^(\d+)([dhms])$/.exec(duration);
  if (!match?.[1] || !match[2])
    throw new Error(`settings.env: NAMESPACE_RETENTION ${duration} is not a number with d, h, m or s`);
  return Number(match[1]) * (UNIT_SECONDS[match[2]] ?? 0);
}

export function parseSettings(text: string): TemporalSettings {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) throw new Error(`settings.env: not KEY=value: ${line}`);
    env[match[1]] = match[2];
  }
  const required = (key: string): string => {
    const value = env[key];
    if (!value) throw new Error(`settings.env: ${key} is not set`);
    return value;
  };
  const retention = required('NAMESPACE_RETENTION');
  return {
    namespace: required('NAMESPACE'),
    retention,
    retentionSeconds: seconds(retention),
    searchAttributes: required('SEARCH_ATTRIBUTES')
      .split(',')
      .map((spec) => {
        const [name = '', type = ''] = spec.split('=');
        return { name, type };
      }),
    dbName: required('DBNAME'),
    visibilityDbName: required('VISIBILITY_DBNAME'),
    env,
  };
}

export function loadTemporalSettings(file = path.join(TEMPORAL_DEPLOY_DIR, 'settings.env')): TemporalSettings {
  return parseSettings(readFileSync(file, 'utf8'));
}
