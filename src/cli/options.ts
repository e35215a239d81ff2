import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileSha256 } from '../db/sql';
import type { z } from 'zod';
import {
  Expected,
  RehearsalEvidence,
  RolloutInput,
  Ruleset,
  SeedScript,
  type RolloutInputDraft,
} from '../shared/input';
import { parseDuration } from './duration';
import { CliError } from './errors';

/** A JSON document from a file, validated: each failure is one line naming the file and what is wrong. */
function readJsonDocument<S extends z.ZodType>(file: string, schema: S, what: string): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${what} ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${what} ${file} is not valid JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${what} ${file}: ${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}

export function readRuleset(file: string): Ruleset {
  return readJsonDocument(file, Ruleset, 'ruleset file');
}

/** The expected baseline of a scaled fixture (`rollout db init --scale N --write-expected FILE`). */
export function readExpected(file: string): Expected {
  return readJsonDocument(file, Expected, 'expected-numbers file');
}

/** The operator's own seed script: its absolute path and its sha256, as `sha256sum` prints it. */
export function readSeedScript(file: string): SeedScript {
  const absolute = path.resolve(file);
  let sha256: string;
  try {
    sha256 = fileSha256(absolute);
  } catch {
    throw new CliError(
      `cannot read seed script ${file}: give the path of production's commit_ready_f6_ownership_seed.sql`,
    );
  }
  return SeedScript.parse({ path: absolute, sha256 });
}

export interface StartOptions {
  apr: string;
  seedSql?: string;
  rehearsal?: string;
  scan?: boolean;
  ruleset?: string;
  snapshotRef?: string;
  id?: string;
  gateTimeout?: string;
  expected?: string;
}

/** Everything validated before Temporal is contacted: bad input starts nothing. */
export function startInput(opts: StartOptions, target: string): RolloutInputDraft {
  if (!opts.scan && (opts.ruleset || opts.snapshotRef))
    throw new CliError('--ruleset and --snapshot-ref go with --scan');
  if (opts.scan && (!opts.ruleset || !opts.snapshotRef))
    throw new CliError('--scan needs --ruleset FILE and --snapshot-ref REF');
  const draft: RolloutInputDraft = {
    target,
    apr: opts.apr,
    ...(opts.scan && opts.ruleset && opts.snapshotRef
      ? { scan: { ruleset: readRuleset(opts.ruleset), snapshotRef: opts.snapshotRef } }
      : {}),
    ...(opts.seedSql ? { seedScript: readSeedScript(opts.seedSql) } : {}),
    ...(opts.rehearsal ? { rehearsal: readRehearsal(opts.rehearsal) } : {}),
    ...(opts.gateTimeout ? { gateTimeoutMs: parseDuration(opts.gateTimeout) } : {}),
    ...(opts.expected ? { expected: readExpected(opts.expected) } : {}),
  };
  return RolloutInput.parse(draft);
}

/** A clone rehearsal's sealed evidence (`rollout report ID --format evidence` on the clone). */
export function readRehearsal(file: string): RehearsalEvidence {
  return readJsonDocument(file, RehearsalEvidence, 'rehearsal evidence file');
}
