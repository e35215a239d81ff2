// The evidence packet proves itself: a packet as written verifies, an edited one names the edited field;
// a rehearsal stands for a production run only if it completed the very same SQL, contract and numbers.
import { buildEvidence, rehearsalProblems, type Evidence } from '../src/evidence/packet';
import { seal, verifySealed } from '../src/evidence/seal';
import { plannedSql } from '../src/steps/manifest';
import { RolloutInput, type RolloutProgress } from '../src/shared';
import { SEEDED_METRICS, stepOf } from './support/packet';

const input = RolloutInput.parse({ target: 'clone', apr: 'APR-BOOT-AUTHMODEL-1' });
const metrics = SEEDED_METRICS;
const progress: RolloutProgress = {
  workflowId: 'rollout-clone',
  runId: 'run-1',
  rolloutId: 'rollout-clone/run-1',
  target: 'clone',
  apr: 'APR-BOOT-AUTHMODEL-1',
  state: 'COMPLETED',
  reason: null,
  gate: { accepted: true, openedBy: 'ops', acceptedAt: '2026-11-28T00:00:01.000Z', attempts: [] },
  steps: [stepOf('seed', { status: 'done', after: metrics, sqlSha256: 'a'.repeat(64), detail: { inserted: 30 } })],
  baseline: { ...metrics, own: 0, gap: 210, direct: 0, inherited: 0, coverage_pct: 0 },
  metrics,
  evidence: null,
  startedAt: '2026-11-28T00:00:00.000Z',
  updatedAt: new Date().toISOString(),
};

function evidence(overrides: Partial<RolloutProgress> = {}): Evidence {
  return buildEvidence({
    progress: { ...progress, ...overrides },
    input,
    approvals: [{ approval_id: 1, approved_by: 'president@l4', approval_level: 'L4', signature_ref: 'SIG-1' }],
    planned: plannedSql(input),
    workerBuild: 'build-a',
    previousDigest: null,
    rehearsal: null,
  });
}

describe('evidence packets', () => {
  test("the seal's format does not move: a body sealed by an earlier build gets the same digests", () => {
    // Digests of 2 December 2026's build, before the seal was made faster: packets stored in ledgers since
    // then must verify with every later build, so these may never change.
    const body = {
      schema: 'governed-rollout/evidence@1',
      rollout: {
        state: 'COMPLETED',
        reason: null,
        'a/b~c': 'slash and tilde',
        ünï: 'cödé ✔',
        n: 3.5,
        big: 1e21,
        neg: -0,
      },
      gate: { accepted: true, attempts: [], approvals: [{}, { id: 1, by: 'people' }] },
      scan: { ruleset: { domains: Array.from({ length: 12 }, (_, i) => `GD${String(i + 1).padStart(2, '0')}`) } },
      empty: {},
    };
    const sealed = seal(body);
    expect(sealed.digest).toBe('1c6394554c839a177bf2e06fa7d18d3afc1043850ee452020d701112e4e632a5');
    expect(Object.keys(sealed.fieldDigests)).toHaveLength(26);
    expect(sealed.fieldDigests['/rollout/a~1b~0c']).toBe(
      'a642192c283a39a7fcf9b8e988f76d60a087af3f9a9db63f7eba63d6dce4cc90',
    );
    expect(sealed.fieldDigests['/scan/ruleset/domains/10']).toBe(
      'b9cd1035157dfc03123b9eb846f97b27ca184081336553bde44abc17657274f2',
    );
    expect(verifySealed(JSON.parse(JSON.stringify(sealed)))).toEqual({ ok: true, digest: sealed.digest });
  });

  test('a packet as written verifies; its JSON round trip too', () => {
    const packet = evidence();
    expect(verifySealed(packet)).toEqual({ ok: true, digest: packet.digest });
    expect(verifySealed(JSON.parse(JSON.stringify(packet)))).toMatchObject({ ok: true });
  });

  test('one number changed is named by its field; so is an added or removed field, or a forged field digest', () => {
    const edited = JSON.parse(JSON.stringify(evidence())) as Evidence;
    (edited.body.metrics as { gap: number }).gap = 1;
    expect(verifySealed(edited)).toEqual({
      ok: false,
      field: '/body/metrics/gap',
      problem: 'differs from the sealed value',
    });

    const added = JSON.parse(JSON.stringify(evidence())) as Evidence;
    (added.body.gate as unknown as Record<string, unknown>).note = 'added later';
    expect(verifySealed(added)).toMatchObject({
      ok: false,
      field: '/body/gate/note',
      problem: 'was added after sealing',
    });

    const removed = JSON.parse(JSON.stringify(evidence())) as Evidence;
    delete (removed.body.rollout as Partial<Evidence['body']['rollout']>).reason;
    expect(verifySealed(removed)).toMatchObject({
      ok: false,
      field: '/body/rollout/reason',
      problem: 'was removed after sealing',
    });

    // Editing a value and its field digest together still breaks the packet's own digest.
    const forged = JSON.parse(JSON.stringify(evidence())) as Evidence;
    (forged.body.metrics as { own: number }).own = 31;
    const again = evidence({ metrics: { ...metrics, own: 31 } });
    forged.fieldDigests['/metrics/own'] = again.fieldDigests['/metrics/own'] ?? '';
    expect(verifySealed(forged)).toMatchObject({ ok: false, field: '/digest' });
  });

  test('a rehearsal stands only when it completed the same SQL, contract and numbers, recently enough', () => {
    const rule = { maxAgeDays: 14 };
    const now = new Date();
    const planned = plannedSql(input);
    expect(rehearsalProblems(evidence(), planned, input.expected, rule, now)).toEqual([]);
    expect(rehearsalProblems(evidence({ state: 'COMPENSATED' }), planned, input.expected, rule, now)).toEqual([
      'the rehearsal rollout-clone/run-1 ended COMPENSATED, not COMPLETED',
    ]);
    expect(rehearsalProblems(evidence(), { ...planned, seed: 'b'.repeat(64) }, input.expected, rule, now)).toEqual([
      expect.stringMatching(/^the rehearsal ran other seed SQL \(sha256 [0-9a-f]{12}, this run bbbbbbbbbbbb\)$/),
    ]);
    expect(rehearsalProblems(evidence(), planned, { ...input.expected, gap: 211 }, rule, now)).toEqual([
      expect.stringMatching(/^the rehearsal expected other numbers/),
    ]);
    expect(
      rehearsalProblems(evidence(), planned, input.expected, rule, new Date(Date.now() + 15 * 86_400_000)),
    ).toEqual([expect.stringMatching(/more than 14 days ago$/)]);
    const edited = JSON.parse(JSON.stringify(evidence())) as Evidence;
    (edited.body.rollout as { state: string }).state = 'COMPLETED ';
    expect(rehearsalProblems(edited, planned, input.expected, rule, now)).toEqual([
      'rehearsal evidence is not intact: /body/rollout/state differs from the sealed value',
    ]);
  });
});
