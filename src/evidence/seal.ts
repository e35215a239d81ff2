// The evidence packet's tamper evidence: a sha256 over its canonical form (keys sorted), and one per
// field, so a verifier with nothing but the file can say which field was edited. Stored in the target's
// ledger, each packet also names the digest of the packet before it for the same target, so a deleted
// packet shows as a broken chain.
import { hash } from 'node:crypto';
import stringify from 'fast-json-stable-stringify';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Sealed<B extends Record<string, Json>> {
  body: B;
  /** sha256 of each leaf's canonical JSON, by JSON pointer (RFC 6901). */
  fieldDigests: Record<string, string>;
  /** sha256 of the canonical JSON of body and fieldDigests together. */
  digest: string;
}

function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

export function canonical(value: unknown): string {
  return stringify(value);
}

/** One reference token of a JSON pointer (RFC 6901). */
function token(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Every leaf (a scalar, or an empty array or object) with its JSON pointer. The pointer grows as the walk
 * descends, one token a level: a packet whose ruleset names 24,000 domains has as many leaves.
 */
function leaves(value: Json, at = '', out: [string, Json][] = []): [string, Json][] {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => leaves(v, `${at}/${i}`, out));
  else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const key of Object.keys(value).sort()) leaves(value[key] as Json, `${at}/${token(key)}`, out);
  } else out.push([at || '/', value]);
  return out;
}

function fieldDigestsOf(body: Json): Record<string, string> {
  return Object.fromEntries(leaves(body).map(([p, v]) => [p, sha256(canonical(v))]));
}

function digestOf(body: Json, fieldDigests: Record<string, string>): string {
  return sha256(canonical({ body, fieldDigests }));
}

export function seal<B extends Record<string, Json>>(body: B): Sealed<B> {
  // Round-trip first, so what is sealed is exactly what JSON can carry (no undefined, no Date objects).
  const plain = JSON.parse(JSON.stringify(body)) as B;
  const fieldDigests = fieldDigestsOf(plain);
  return { body: plain, fieldDigests, digest: digestOf(plain, fieldDigests) };
}

export type Verdict = { ok: true; digest: string } | { ok: false; field: string; problem: string };

/**
 * Re-computes a packet's digests from the file alone. A changed field is named by its pointer; a packet
 * whose field digests were edited too fails on the packet digest.
 */
export function verifySealed(doc: unknown): Verdict {
  if (doc === null || typeof doc !== 'object' || !('body' in doc) || !('fieldDigests' in doc) || !('digest' in doc)) {
    return { ok: false, field: '/', problem: 'not an evidence packet: body, fieldDigests and digest are required' };
  }
  const { body, fieldDigests, digest } = doc as Sealed<Record<string, Json>>;
  const recorded = fieldDigests ?? {};
  const actual = fieldDigestsOf(body);
  for (const [field, d] of Object.entries(actual)) {
    if (recorded[field] === undefined) return { ok: false, field: `/body${field}`, problem: 'was added after sealing' };
    if (recorded[field] !== d) return { ok: false, field: `/body${field}`, problem: 'differs from the sealed value' };
  }
  for (const field of Object.keys(recorded)) {
    if (actual[field] === undefined) return { ok: false, field: `/body${field}`, problem: 'was removed after sealing' };
  }
  const again = digestOf(body, recorded);
  if (again !== digest)
    return { ok: false, field: '/digest', problem: `does not match the packet (recomputed ${again})` };
  return { ok: true, digest };
}
