// The HTML report's two promises, on a packet whose every text field is hostile: nothing from the data
// becomes markup, and the page names nothing to fetch. (test/ui/report.browser.test.ts shows real
// rollouts' pages in Chromium.)
import { buildPacket, type PacketSource } from '../src/report/packet';
import { renderHtml } from '../src/report/html';
import { escapeHtml } from '../src/report/htmlKit';
import type { Metrics, RolloutProgress } from '../src/shared';
import { stepOf } from './support/packet';

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

function metrics(own: number, gap: number): Metrics {
  const inherited = own ? 210 : 0;
  const coverage_pct = own ? 100 : 0;
  return { ospa: 1, own, gap, conflict: 0, gov_emit: 0, gov_types_active: 0, direct: own, inherited, coverage_pct };
}

function source(text: string, uiUrl = 'http://localhost:8080/x'): PacketSource {
  const progress: RolloutProgress = {
    workflowId: `wf-${text}`,
    runId: `run-${text}`,
    rolloutId: `id-${text}`,
    target: `target-${text}`,
    apr: `APR-${text}`,
    state: 'COMPENSATED',
    reason: `reason ${text}`,
    gate: {
      accepted: true,
      openedBy: `by ${text}`,
      acceptedAt: `at ${text}`,
      attempts: [{ id: text, by: text, at: text, ospa: 1, outcome: 'accepted', reason: text }],
    },
    steps: [
      {
        name: 'seed',
        status: 'compensated',
        before: metrics(0, 210),
        after: metrics(30, 0),
        sqlSha256: text,
        sql: [{ name: text, sha256: text }],
        detail: { [text]: text },
        compensation: { deleted: 30, note: text },
        error: text,
        footprint: {
          declared: [{ relation: text, insert: 30, update: 0, delete: 0, source: text }],
          measured: [{ relation: text, insert: 30, update: 0, delete: 0 }],
          method: 'transaction',
        },
        compensationFootprint: null,
      },
      stepOf('scan', { status: 'skipped' }),
      stepOf('cursor', { status: 'skipped' }),
    ],
    baseline: metrics(0, 210),
    metrics: metrics(0, 210),
    evidence: { digest: text, previousDigest: text, where: text },
    startedAt: text,
    updatedAt: text,
  };
  return {
    progress,
    input: null,
    approvals: [{ approved_by: text, [text]: { nested: text } }],
    execution: {
      workflowId: text,
      runId: text,
      status: text,
      taskQueue: text,
      startTime: text,
      closeTime: text,
      buildId: text,
    },
    namespace: text,
    uiUrl,
  };
}

describe('the HTML report', () => {
  test('escapes every value from the database and from operators', () => {
    const page = renderHtml(buildPacket(source(EVIL)));
    expect(page).not.toMatch(/<script|<img|<[^>]*onerror=/i);
    expect(page).toContain(escapeHtml(EVIL));
    // As attribute values too (the chart's label), and as keys (a production column's name).
    expect(page).not.toContain('"\'&');
    expect(escapeHtml(EVIL)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;',
    );
  });

  test('is one page that fetches nothing: inline styles and charts, a policy forbidding any load', () => {
    const page = renderHtml(buildPacket(source('plain')));
    const policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${policy}">`);
    expect(page).not.toMatch(/<(script|img|link|iframe|object)\b|@import|url\(|\ssrc=/i);
    // The one address on the page is the Temporal UI link, and only an http(s) one is made a link.
    expect(page.match(/https?:\/\/[^\s"<]+/g)).toEqual(['http://localhost:8080/x', 'http://localhost:8080/x']);
    expect(renderHtml(buildPacket(source('plain', 'javascript:alert(1)')))).not.toContain('href="javascript');
    expect(page).toContain('<svg class="bars"');
  });
});
