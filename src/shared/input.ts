import { z } from 'zod';
import { APR_CODE, SNAPSHOT_REF, TARGET_NAME, WORKFLOW_ID, type TextRule } from './names';

/** A string schema from a rule (names.ts): its checks in the rule's order, its words for each. */
export function textSchema(rule: TextRule): z.ZodType<string, string> {
  let schema = z.string();
  if (rule.min !== undefined) schema = schema.min(rule.min, rule.lengthMessage);
  if (rule.max !== undefined) schema = schema.max(rule.max, rule.lengthMessage);
  if (rule.pattern) schema = schema.regex(rule.pattern, rule.message);
  return rule.test ? schema.refine(rule.test, rule.message) : schema;
}

// Shapes are strict so nothing free-form reaches SQL: every value below is bound as a parameter,
// and the formats keep an operator's typo from naming something it should not.
export const AprCode = textSchema(APR_CODE);

export const SnapshotRef = textSchema(SNAPSHOT_REF);

export const TargetName = textSchema(TARGET_NAME);

export const WorkflowId = textSchema(WORKFLOW_ID);

// Free text ends up in jsonb and in workflow history: PostgreSQL's jsonb cannot hold U+0000, and a lone
// UTF-16 surrogate is not text at all, so both are refused here, before the gate, not at the scan.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function freeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !UNSTORABLE.test(s), 'text must not hold NUL characters or lone UTF-16 surrogates');
}

export const DomainCode = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, 'a domain code is upper-case letters, digits, _ and -');

export const Ruleset = z
  .object({
    code: z
      .string()
      .max(64)
      .regex(/^RS-[A-Z0-9]+(-[A-Z0-9]+)*$/, 'a ruleset code looks like RS-OWNERSHIP-COVERAGE'),
    version: z.number().int().min(1).max(1_000_000),
    description: freeText(500).optional(),
    state: z
      .string()
      .regex(/^[a-z][a-z_]{0,31}$/)
      .default('candidate'),
    domains: z
      .array(DomainCode)
      .min(1)
      .max(1_000_000)
      .refine((domains) => new Set(domains).size === domains.length, 'ruleset domains must not repeat'),
  })
  .strict();
export type Ruleset = z.infer<typeof Ruleset>;

const count = z.number().int().min(0).max(1_000_000_000);

// The packet's baseline for the clone; a scaled fixture passes its own numbers.
export const Expected = z
  .object({
    // The sovereign gate can be made stricter, never weaker than one approval.
    ospa_min: z.number().int().min(1).max(1000).default(1),
    gap: count.default(210),
    own: count.default(0),
    conflict: count.default(0),
    seed_rows: count.default(30),
    gov_emit: count.default(0),
    candidate_state: count.optional(),
    candidate_object: count.optional(),
  })
  .strict();
export type Expected = z.infer<typeof Expected>;

export const ScanInput = z
  .object({
    ruleset: Ruleset,
    snapshotRef: SnapshotRef,
    cursorName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/)
      .default('governance_scan'),
  })
  .strict();
export type ScanInput = z.infer<typeof ScanInput>;

/**
 * Production's own seed script (`--seed-sql FILE`): the worker runs it whole with psql, as the packet's
 * channel does, after checking it is still the file the rollout was started with.
 */
export const SeedScript = z
  .object({
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => p.startsWith('/') && !p.includes('\u0000'), 'the seed script path is absolute'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits, as sha256sum prints it'),
  })
  .strict();
export type SeedScript = z.infer<typeof SeedScript>;

/**
 * A clone rehearsal's sealed evidence (`rollout report ID --format evidence` on the clone), carried by
 * a production run whose target requires one; its digests are checked in the preflight.
 */
export const RehearsalEvidence = z
  .object({
    body: z.record(z.string(), z.unknown()),
    fieldDigests: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
    digest: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type RehearsalEvidence = z.infer<typeof RehearsalEvidence>;

export const RolloutInput = z
  .object({
    target: TargetName,
    apr: AprCode,
    scan: ScanInput.optional(),
    seedScript: SeedScript.optional(),
    rehearsal: RehearsalEvidence.optional(),
    expected: Expected.default(Expected.parse({})),
    gateTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(366 * 24 * 3600 * 1000)
      .optional(),
  })
  .strict();
export type RolloutInput = z.infer<typeof RolloutInput>;
export type RolloutInputDraft = z.input<typeof RolloutInput>;

/** What the steps read of a rollout's input: never the rehearsal's evidence, which only the preflight weighs. */
export type StepInput = Pick<RolloutInput, 'target' | 'apr' | 'expected' | 'scan' | 'seedScript'>;

export function stepInputOf({ target, apr, expected, scan, seedScript }: RolloutInput): StepInput {
  return { target, apr, expected, ...(scan ? { scan } : {}), ...(seedScript ? { seedScript } : {}) };
}

export const GateClaim = z
  .object({
    id: z.string().min(1).max(100),
    by: freeText(200).pipe(z.string().min(1)),
  })
  .strict();
export type GateClaim = z.infer<typeof GateClaim>;

/** One line naming the first problem, for stderr and for a workflow's failure reason. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
