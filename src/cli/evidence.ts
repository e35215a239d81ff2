// The evidence packets kept in a target's ledger: read one, verify a file offline and against the stored copy.
import { readFileSync } from 'node:fs';
import { readEvidence } from '../db/evidence';
import type { Evidence } from '../evidence/packet';
import { verifySealed } from '../evidence/seal';
import { withDatabase } from './context';
import { CliError } from './errors';

export const LEDGER_SOURCE = "the target's ledger (governed_rollout.evidence): Temporal no longer has this rollout";

export async function storedEvidence(id: string): Promise<{ evidence: Evidence; recordedAt: string } | null> {
  return withDatabase((pool) => readEvidence(pool, id));
}

export function readEvidenceFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read evidence file ${file}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CliError(`evidence file ${file} is not JSON: pass the output of rollout report ID --format evidence`);
  }
  // Wrong input, not tampered evidence: a file with none of the seal's fields was never a packet. One
  // with some of them is a packet whose seal was cut, and verify says TAMPERED.
  const seal = ['body', 'fieldDigests', 'digest'];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !seal.some((k) => k in doc)) {
    throw new CliError(
      `${file} is not an evidence packet (${notAPacket(doc)}): pass the output of rollout report ID --format evidence`,
    );
  }
  return doc;
}

/** What the file is instead, for the one line. */
function notAPacket(doc: unknown): string {
  const keys = doc !== null && typeof doc === 'object' ? Object.keys(doc) : [];
  if (keys.includes('kind') || keys.includes('evidence'))
    return 'it is a report of --format json, not the sealed packet';
  return 'it has no body, fieldDigests and digest';
}

export interface VerifyOutcome {
  ok: boolean;
  lines: string[];
}

/**
 * Offline first: the packet's own digests. Then, when DATABASE_URL reaches the target, the stored copy:
 * a packet whose digest differs from it, or that the ledger does not hold, is not the one recorded.
 */
export async function verifyEvidence(doc: unknown, databaseUrl: string | undefined): Promise<VerifyOutcome> {
  const verdict = verifySealed(doc);
  if (!verdict.ok) return { ok: false, lines: [`TAMPERED: ${verdict.field} ${verdict.problem}`] };
  const lines = [`intact: digest ${verdict.digest}`];
  if (!databaseUrl)
    return { ok: true, lines: [...lines, 'not compared with the stored copy: DATABASE_URL is not set'] };
  const rolloutId = (doc as Evidence).body.rollout.rolloutId;
  const stored = await storedEvidence(rolloutId).catch(() => undefined);
  if (stored === undefined)
    return { ok: true, lines: [...lines, 'not compared with the stored copy: the database could not be read'] };
  if (stored === null)
    return { ok: false, lines: [...lines, `NOT STORED: the target's ledger holds no packet for ${rolloutId}`] };
  if (stored.evidence.digest !== verdict.digest) {
    return {
      ok: false,
      lines: [
        ...lines,
        `DIFFERS from the stored copy (stored digest ${stored.evidence.digest}, recorded ${stored.recordedAt})`,
      ],
    };
  }
  return { ok: true, lines: [...lines, `equal to the copy stored in the target's ledger at ${stored.recordedAt}`] };
}
