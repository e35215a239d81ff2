// The footprint comparison, pure: every difference is one line naming the relation, the operation and the count.
import { declare, footprintViolations, mergeProofs } from '../src/shared/footprint';

const ledger = 'the ledger records';

describe('footprintViolations', () => {
  const declared = [
    declare('governance_object_ownership', { insert: 30 }, ledger, { exactly: { insert: 30 } }),
    declare('governed_rollout.written', { insert: 1 }, 'its statements report'),
  ];

  test('exactly the declared writes: no violation', () => {
    const measured = [
      { relation: 'governance_object_ownership', insert: 30, update: 0, delete: 0 },
      { relation: 'governed_rollout.written', insert: 1, update: 0, delete: 0 },
    ];
    expect(footprintViolations({ declared, measured })).toEqual([]);
  });

  test("a trigger's write elsewhere, rows the ledger does not record, a count off the packet's", () => {
    const measured = [
      { relation: 'governance_object_ownership', insert: 31, update: 0, delete: 0 },
      { relation: 'governed_rollout.written', insert: 1, update: 0, delete: 0 },
      { relation: 'public.system_issues', insert: 35, update: 0, delete: 0 },
    ];
    expect(
      footprintViolations({
        declared: [
          declare('governance_object_ownership', { insert: 0 }, ledger, { exactly: { insert: 30 } }),
          declared[1]!,
        ],
        measured,
      }),
    ).toEqual([
      'governance_object_ownership: 31 row(s) inserted, the ledger records 0',
      'governance_object_ownership: 0 row(s) inserted, the packet expects exactly 30',
      "public.system_issues: 35 row(s) inserted, outside the step's footprint",
    ]);
  });

  test('a bound: at most', () => {
    const d = [declare('candidate_object', { insert: 36 }, ledger, { atMost: { insert: 35 } })];
    expect(
      footprintViolations({
        declared: d,
        measured: [{ relation: 'candidate_object', insert: 36, update: 0, delete: 0 }],
      }),
    ).toEqual(['candidate_object: 36 row(s) inserted, the packet allows at most 35']);
  });

  test('declared but not written, and an update or delete nobody declared', () => {
    expect(
      footprintViolations({
        declared,
        measured: [
          { relation: 'governed_rollout.written', insert: 1, update: 2, delete: 0 },
          { relation: 'public.event_outbox', insert: 0, update: 0, delete: 4 },
        ],
      }),
    ).toEqual([
      'governance_object_ownership: 0 row(s) inserted, the ledger records 30',
      'governed_rollout.written: 2 row(s) updated, its statements report 0',
      "public.event_outbox: 4 row(s) deleted, outside the step's footprint",
    ]);
  });

  test('a step over several transactions sums per relation', () => {
    const a = {
      declared: [declare('governed_rollout.step_started', { insert: 1 }, ledger)],
      measured: [{ relation: 'governed_rollout.step_started', insert: 1, update: 0, delete: 0 }],
      method: 'transaction' as const,
    };
    const b = {
      declared: [declare('governance_object_ownership', { insert: 30 }, ledger)],
      measured: [{ relation: 'governance_object_ownership', insert: 30, update: 0, delete: 0 }],
      method: 'committed' as const,
      unprovable: ['public.audit'],
    };
    const merged = mergeProofs(b, a);
    expect(merged.method).toBe('committed');
    expect(merged.unprovable).toEqual(['public.audit']);
    expect(footprintViolations(merged)).toEqual([]);
    expect(merged.measured.map((m) => m.relation)).toEqual([
      'governance_object_ownership',
      'governed_rollout.step_started',
    ]);
  });
});
