// The Temporal UI, in a real headless Chromium: a rollout shows its summary and its own state there.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { finalProgress } from '../../src/cli/execution';
import { freePort } from '../../src/infra/ports';
import { startTemporalDevServer, type DevServer } from '../../src/infra/temporalDevServer';
import { rolloutSummary } from '../../src/shared';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { APR } from '../support/db';
import { rolloutHarness, type Harness } from '../support/harness';

/** The UI renders user metadata (markdown) in iframes of its own: waits until one of them shows the text. */
async function rendered(page: Page, text: string | RegExp): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const frame of page.frames()) {
      const body = await frame
        .locator('body')
        .innerText()
        .catch(() => '');
      if (typeof text === 'string' ? body.includes(text) : text.test(body)) return;
    }
    if (Date.now() > deadline) throw new Error(`the UI never showed ${String(text)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the Temporal UI', () => {
  let server: DevServer | undefined;
  let h: Harness | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await h?.teardown();
    await server?.stop();
  });

  test("a waiting rollout's summary, details, RolloutState; filtered by it; Failed once compensated", async () => {
    const uiPort = await freePort();
    server = await startTemporalDevServer({ uiPort });
    h = await rolloutHarness({ address: server.address });
    const handle = await h.start();
    await h.openGate(handle, 'eager operator');
    const summary = rolloutSummary(APR, h.target);
    const ui = `http://127.0.0.1:${uiPort}/namespaces/default`;

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    mkdirSync(ARTIFACTS, { recursive: true });

    await page.goto(`${ui}/workflows/${encodeURIComponent(handle.workflowId)}`);
    // The static summary, and the current details the workflow keeps (waiting at the gate, last claim refused).
    await page.getByText('User Metadata', { exact: true }).click();
    await rendered(page, summary);
    await rendered(
      page,
      new RegExp(
        /waiting at the gate for people to ratify APR-BOOT-AUTHMODEL-1; last claim refused \(by eage/.source +
          /r operator, ospa=0\)/.source,
      ),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-rollout-metadata.png'), fullPage: true });
    // The rollout's own state, as a search attribute.
    await page.getByText('Search Attributes', { exact: true }).click();
    await page.getByText('RolloutState').first().waitFor({ timeout: 30_000 });
    await page.getByText('WAITING_FOR_GATE').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-rollout-state.png'), fullPage: true });

    const query = encodeURIComponent("RolloutState='WAITING_FOR_GATE'");
    await page.goto(`${ui}/workflows?query=${query}`);
    await page.getByText(handle.workflowId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-list-waiting.png'), fullPage: true });

    // Cancelled, it compensates: the list shows it Failed, not a green Completed.
    await handle.cancel();
    expect((await finalProgress(handle)).state).toBe('COMPENSATED');
    await page.goto(`${ui}/workflows?query=${encodeURIComponent("RolloutState='COMPENSATED'")}`);
    const row = page.getByRole('row').filter({ hasText: handle.workflowId });
    await row.getByText('Failed').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-list-compensated.png'), fullPage: true });
  });
});
