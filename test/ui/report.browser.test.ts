// `rollout report ID --format html`, as the governance body sees it: the page the CLI writes, opened in a
// real headless Chromium from a file, for a completed, a compensated and a rehearsal-plus-production
// rollout. The packet's numbers must be on the page; the page fetches nothing; operator and database
// text is shown as text, never run. Screenshots land in artifacts/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { finalProgress } from '../../src/cli/execution';
import type { Evidence } from '../../src/evidence/packet';
import type { RolloutProgress } from '../../src/shared';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { envFor, rollout } from '../support/cli';
import { APR, ratify, takeSnapshot } from '../support/db';
import { holdUntilCancelled, onApply } from '../support/faults';
import { CLONE_SCAN_RULESET, rolloutHarness, type Harness } from '../support/harness';

// What an operator may type, and what a database row may hold: shown as text, never markup.
const HOSTILE_OPERATOR = 'ops <img src=x onerror="window.pwned=1"> & "friends"';
const HOSTILE_APPROVER = '<script>window.pwned=2</script>president';

interface Opened {
  page: Page;
  requests: string[];
}

describe('the HTML report in a browser', () => {
  const harnesses: Harness[] = [];
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const h of harnesses) await h.teardown();
  });

  async function harness(options: Parameters<typeof rolloutHarness>[0] = {}): Promise<Harness> {
    const h = await rolloutHarness(options);
    harnesses.push(h);
    return h;
  }

  /** The page the CLI prints, saved as a user would save it, opened from the file; a full-page screenshot. */
  async function openReport(h: Harness, final: RolloutProgress, name: string): Promise<Opened> {
    const printed = await rollout(
      ['report', final.workflowId, '--format', 'html'],
      envFor(h.db, { TEMPORAL_TASK_QUEUE: h.taskQueue }),
    );
    expect([printed.code, printed.stderr]).toEqual([0, '']);
    const file = path.join(ARTIFACTS, `report-${name}.html`);
    writeFileSync(file, printed.stdout);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path: path.join(ARTIFACTS, `report-${name}.png`), fullPage: true });
    return { page, requests };
  }

  /** The visible cells of one number's row in a section: [number, expected, this run, (chart), verdict]. */
  async function row(page: Page, section: string, name: string, table = 'deltas'): Promise<string[]> {
    const found = page.locator(`#${section} table.${table} tbody tr`, {
      has: page.locator(`th > code:text-is("${name}")`),
    });
    expect(await found.count()).toBe(1);
    expect(await found.isVisible()).toBe(true);
    return (await found.locator('th, td').allInnerTexts()).map((t) => t.trim());
  }

  async function text(page: Page, selector: string): Promise<string> {
    const at = page.locator(selector).first();
    expect(await at.isVisible()).toBe(true);
    return (await at.innerText()).trim();
  }

  /** Self-contained and inert: nothing fetched but the file itself, no markup from the data. */
  async function expectSelfContained({ page, requests }: Opened): Promise<void> {
    expect(requests).toEqual([page.url()]);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('img, script, iframe, object, link').count()).toBe(0);
  }

  test('a completed rollout: the gate, its approvals, each number against the packet, the digest', async () => {
    const h = await harness();
    await ratify(h.db.pool);
    await ratify(h.db.pool, APR, HOSTILE_APPROVER);
    const handle = await h.start({
      scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef: await takeSnapshot(h.db.pool) },
    });
    await h.openGate(handle, HOSTILE_OPERATOR);
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPLETED');
    const opened = await openReport(h, final, 'completed');
    const { page } = opened;
    await expectSelfContained(opened);

    expect(await text(page, '.verdict')).toMatch(
      /^COMPLETED Completed: every step ran and matched the packet's numbers\./,
    );
    expect(await text(page, '#card-coverage_pct')).toMatch(/^100 %\s+ownership coverage/);
    expect(await text(page, '#card-own')).toMatch(/^30\s+ownership rows \(before: 0\)/);
    expect(await text(page, '#card-gap')).toMatch(/^0\s+objects with no owner \(before: 210\)/);

    // The gate: who opened it, exactly as typed, and the approval rows as read.
    expect(await text(page, '#gate')).toContain(
      `Opened by ${HOSTILE_OPERATOR} at ${final.gate.acceptedAt}, with 2 approval row(s) found.`,
    );
    const approvals = await text(page, '#approvals');
    expect(approvals).toContain('president@l4');
    expect(approvals).toContain(HOSTILE_APPROVER);
    expect(approvals).toContain(APR);

    // Phase 1: the packet's deltas, expected and actual, each as expected.
    const seed = (name: string) => row(page, 'phase-seed', name);
    expect(await seed('own')).toEqual([expect.stringMatching(/^own/), '0 → 30', '0 → 30', '', '✔ as expected']);
    expect(await seed('gap')).toEqual([expect.stringMatching(/^gap/), '210 → 0', '210 → 0', '', '✔ as expected']);
    expect(await seed('conflict')).toEqual([expect.stringMatching(/^conflict/), '0 → 0', '0 → 0', '', '✔ as expected']);
    expect(await seed('gov_emit')).toEqual([expect.stringMatching(/^gov_emit/), '0 → 0', '0 → 0', '', '✔ as expected']);
    expect((await seed('direct')).slice(1)).toEqual(['30', '0 → 30', '', '✔ as expected']);
    expect((await seed('inherited')).slice(1)).toEqual(['210', '0 → 210', '', '✔ as expected']);
    expect((await seed('coverage_pct')).slice(1, 3)).toEqual(['100', expect.stringMatching(/→ 100$/)]);
    // What the seed's transaction wrote, declared beside measured: its 30 rows, its ledger, nothing else.
    expect(await row(page, 'phase-seed', 'governance_object_ownership', 'footprint')).toEqual([
      'governance_object_ownership',
      '30 / 0 / 0',
      '30 / 0 / 0',
    ]);
    expect(await page.locator('#phase-seed table.footprint tbody tr').count()).toBe(3);
    // Each number's chart is drawn, and says the same numbers to a screen reader.
    expect(await page.locator('#phase-seed svg.bars').first().getAttribute('aria-label')).toBe(
      'before 0, after 30, expected 30',
    );
    // Phase 2: 5 candidate_state + 35 candidate_object per ruleset version, one scan run appended.
    expect((await row(page, 'phase-scan', 'candidate_state')).slice(1)).toEqual(['5', '5', '', '✔ as expected']);
    // Without a number in the input, the step holds candidate_object to the inventory's own count.
    expect((await row(page, 'phase-scan', 'candidate_object')).slice(1)).toEqual([
      "the inventory's count",
      '35',
      '',
      '✔ as expected',
    ]);
    expect((await row(page, 'phase-scan', 'candidate_scan_run')).slice(1)).toEqual([
      '1 appended',
      '1 appended',
      '',
      '✔ as expected',
    ]);
    expect(await text(page, '#compensation')).toContain('None: nothing needed undoing.');

    // The digest, and how to verify a copy.
    const stored = final.evidence as { digest: string };
    expect(await text(page, '#digest')).toBe(stored.digest);
    const evidence = await text(page, '#evidence');
    expect(evidence).toContain(
      `rollout report ${final.workflowId} --format evidence > evidence.json\nrollout report verify evidence.json`,
    );
    expect(evidence).toContain(`intact: digest ${stored.digest}`);
    await page.close();
  });

  test('a compensated rollout: what was undone, the baseline restored', async () => {
    const h = await harness({ wrap: onApply('scan', () => holdUntilCancelled()) });
    await ratify(h.db.pool);
    const handle = await h.start({ scan: { ruleset: CLONE_SCAN_RULESET, snapshotRef: await takeSnapshot(h.db.pool) } });
    await h.openGate(handle, 'president');
    await h.waitFor(handle, (p) => p.steps[0]?.status === 'done');
    await handle.cancel();
    const final = await finalProgress(handle);
    expect(final.state).toBe('COMPENSATED');
    const opened = await openReport(h, final, 'compensated');
    const { page } = opened;
    await expectSelfContained(opened);

    const verdict = await text(page, '.verdict');
    expect(verdict).toMatch(/^COMPENSATED Compensated: the rollout was stopped, and what it wrote was undone\./);
    expect(verdict).toContain('cancelled by request: 30 row(s) undone');
    expect(await text(page, '#card-own')).toMatch(/^0\s+ownership rows \(before: 0\)/);
    expect(await text(page, '#card-gap')).toMatch(/^210\s+objects with no owner \(before: 210\)/);
    // The seed had done its work, as the packet expects, before it was undone.
    expect((await row(page, 'phase-seed', 'own')).slice(1, 3)).toEqual(['0 → 30', '0 → 30']);
    const compensation = await text(page, '#compensation');
    expect(compensation).toMatch(/seed\s+compensated\s+deleted=30/);
    expect(compensation).toContain('Baseline restored');
    await page.close();
  });

  test("rehearsal beside production: both runs' numbers and digests", async () => {
    const clone = await harness();
    await ratify(clone.db.pool);
    const rehearsed = await clone.run();
    expect(rehearsed.state).toBe('COMPLETED');
    const stored = 'select packet from governed_rollout.evidence where rollout_id = $1';
    const { rows } = await clone.db.pool.query<{ packet: Evidence }>(stored, [rehearsed.rolloutId]);
    const rehearsal = rows[0]?.packet;
    if (!rehearsal) throw new Error('no rehearsal evidence');

    const prod = await harness();
    await ratify(prod.db.pool);
    const rule = await rollout(['db', 'require-rehearsal', '--max-age-days', '7'], envFor(prod.db));
    expect(rule.code).toBe(0);
    const final = await prod.run({ rehearsal });
    expect(final.state).toBe('COMPLETED');
    const opened = await openReport(prod, final, 'rehearsal-and-production');
    const { page } = opened;
    await expectSelfContained(opened);

    const side = (name: string) => row(page, 'rehearsal', name, 'side-by-side');
    expect((await side('own')).slice(1)).toEqual(['30', '30', '✔ same']);
    expect((await side('gap')).slice(1)).toEqual(['0', '0', '✔ same']);
    expect((await side('inherited')).slice(1)).toEqual(['210', '210', '✔ same']);
    expect((await side('coverage_pct')).slice(1)).toEqual(['100', '100', '✔ same']);
    const table = await text(page, '#rehearsal');
    expect(table).toContain(rehearsal.digest);
    expect(table).toContain((final.evidence as { digest: string }).digest);
    expect(table).toContain(clone.target);
    expect(table).toContain(prod.target);
    await page.close();
  });
});
