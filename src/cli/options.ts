// `rollout start`'s and `plan`'s flags and files, checked before the environment, the driver or the
// Temporal client is loaded: a flag in the wrong format is said in its rule's words, with no library; a
// file or value only a schema can judge loads the CLI's schemas (./schemas), and nothing heavier.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type * as Sql from '../db/sql';
import type { Expected, RehearsalEvidence, Ruleset, RolloutInputDraft, SeedScript } from '../shared/input';
import { APR_CODE, SNAPSHOT_REF } from '../shared/names';
import { checkDuration, checkRule, checked, schemas } from './args';
import type * as Duration from './duration';
import { CliError } from './errors';

/**
 * A JSON document from a file, validated: each failure is one line naming the file and what is wrong. The
 * schema is asked for only once the file reads as JSON, so those two failures load no schema.
 */
function readJsonDocument<S extends z.ZodType>(file: string, schema: () => S, what: string): z.infer<S> {
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
  const parsed = schema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${what} ${file}: ${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}

export function readRuleset(file: string): Ruleset {
  return readJsonDocument(file, () => schemas().Ruleset, 'ruleset file');
}

/** The expected baseline of a scaled fixture (`rollout db init --scale N --write-expected FILE`). */
export function readExpected(file: string): Expected {
  return readJsonDocument(file, () => schemas().Expected, 'expected-numbers file');
}

/** A clone rehearsal's sealed evidence (`rollout report ID --format evidence` on the clone). */
export function readRehearsal(file: string): RehearsalEvidence {
  return readJsonDocument(file, () => schemas().RehearsalEvidence, 'rehearsal evidence file');
}

/** The operator's own seed script: its absolute path and its sha256, as `sha256sum` prints it. */
export function readSeedScript(file: string): SeedScript {
  const absolute = path.resolve(file);
  let sha256: string;
  try {
    // Loaded here, not above: node:crypto is not needed for a usage error.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sha256 = (require('../db/sql') as typeof Sql).fileSha256(absolute);
  } catch {
    throw new CliError(
      `cannot read seed script ${file}: give the path of production's commit_ready_f6_ownership_seed.sql`,
    );
  }
  return checked(schemas().SeedScript, { path: absolute, sha256 });
}

/** "7d" in milliseconds, by the SDK's own reading, which loads only for a duration of the right form. */
function durationMs(text: string): number {
  checkDuration(text);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./duration') as typeof Duration).parseDuration(text);
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

/** A rollout's input before the environment names its target: what start's flags and files make. */
export type RolloutFlags = Omit<RolloutInputDraft, 'target'>;

/** Start's flags and files, checked as the input's schema checks them, in its order: bad input starts nothing. */
export function startFlags(opts: StartOptions): RolloutFlags {
  if (!opts.scan && (opts.ruleset || opts.snapshotRef))
    throw new CliError('--ruleset and --snapshot-ref go with --scan');
  if (opts.scan && (!opts.ruleset || !opts.snapshotRef))
    throw new CliError('--scan needs --ruleset FILE and --snapshot-ref REF');
  const flags: RolloutFlags = {
    apr: opts.apr,
    ...(opts.scan && opts.ruleset && opts.snapshotRef
      ? { scan: { ruleset: readRuleset(opts.ruleset), snapshotRef: opts.snapshotRef } }
      : {}),
    ...(opts.seedSql ? { seedScript: readSeedScript(opts.seedSql) } : {}),
    ...(opts.rehearsal ? { rehearsal: readRehearsal(opts.rehearsal) } : {}),
    ...(opts.gateTimeout ? { gateTimeoutMs: durationMs(opts.gateTimeout) } : {}),
    ...(opts.expected ? { expected: readExpected(opts.expected) } : {}),
  };
  // The text formats first, in the schema's order and words, before the schemas load.
  checkRule(APR_CODE, flags.apr, 'apr');
  if (flags.scan) checkRule(SNAPSHOT_REF, flags.scan.snapshotRef, 'scan.snapshotRef');
  return checked(schemas().RolloutFlags, flags);
}

/** The whole input, once the target is known (validated again: the target is checked with the rest). */
export function withTarget(flags: RolloutFlags, target: string): RolloutInputDraft {
  return schemas().RolloutInput.parse({ target, ...flags });
}

/** Everything validated before Temporal is contacted: bad input starts nothing. */
export function startInput(opts: StartOptions, target: string): RolloutInputDraft {
  return withTarget(startFlags(opts), target);
}
