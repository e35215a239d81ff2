// Generators of hostile values, shared by the in-process and the real-CLI hostile-input tests.
import fc from 'fast-check';

export const INJECTIONS = [
  "'; drop table os_proposal_approvals; --",
  "APR-1' or '1'='1",
  'APR-1; update event_type_registry set active = true',
  "$$; insert into event_outbox (event_type) values ('x'); $$",
  '\\x00',
  '\u0000APR-BOOT-1',
  'APR-BOOT-1\n',
  'ＡＰＲ-ＢＯＯＴ-１',
  'APR-BOOT-1\u202e',
  "Robert'); DROP TABLE candidate_state;--",
  '${process.env.DATABASE_URL}',
  '../../../etc/passwd',
  'SNAP-20261124T101500Z-1a2b3c4d; delete from scan_cursor',
  '🙂'.repeat(100),
];

/** Strings an attacker or a slip of the finger produces: injections, unicode, control characters, huge. */
export const nastyString = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ minLength: 60, maxLength: 5_000 }),
  fc.constantFrom(...INJECTIONS).chain((inj) => fc.string({ maxLength: 10 }).map((s) => `APR-${s}${inj}`)),
);
/** Wrong types as well as strings. */
export const nastyValue = fc.oneof(
  nastyString,
  fc.anything(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.constant(undefined),
);
