// The console in a real browser (Debian's Chromium through playwright-core), as the person on call
// uses it, without any script of the page's: list, filter to dead, open one, replay it once the
// handler is fixed, see it end done; a read-only console refuses the replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandler } from '../../src/console/create-console-handler.js';
import { chromiumInstalled, chromiumPath, launchChromium } from '../support/chromium.js';
import { orderEvent, serveConsole, startConsoleApp, type ConsoleApp } from '../support/console-app.js';
import type { RunningServer } from '../support/status-contract.js';

if (!chromiumInstalled && process.env.CI === 'true') throw new Error(`Chromium is missing at ${chromiumPath}: CI must run the browser test (.ci/run installs it: apt-get install -y chromium).`);
if (!chromiumInstalled) console.warn(`\n  SKIPPING the console's browser test: no Chromium at ${chromiumPath} (apt-get install -y chromium).\n`);

describe.skipIf(!chromiumInstalled)('the console in Chromium', () => {
  let app: ConsoleApp;
  let readOnly: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const good = orderEvent('ok-browser');
  const bad = orderEvent('broken-browser');

  beforeAll(async () => {
    app = await startConsoleApp({ basePath: '/stripe' });
    await app.seed([good, bad]);
    readOnly = await serveConsole(createConsoleHandler({ inbox: app.inbox, basePath: '/stripe', readOnly: true }), '/stripe');
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await readOnly?.close();
    await app?.close();
  });

  it('a read-only console shows the replay button disabled and refuses a forced replay with 403', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${readOnly.url}/events/${bad.id}`);
    const button = page.getByRole('button', { name: 'Replay this event' });
    expect(await button.isDisabled()).toBe(true);
    // Enable it the way a curious user could (devtools): the server still refuses.
    await button.evaluate((element) => element.removeAttribute('disabled'));
    const [response] = await Promise.all([page.waitForResponse(`${readOnly.url}/replay`), button.click()]);
    expect(response.status()).toBe(403);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('read-only');
    expect((await app.inbox.get(bad.id))?.status).toBe('dead');
    await page.close();
  });

  it('lists, filters to dead, opens the event, replays it after the fix, and sees it done', { timeout: 90_000 }, async () => {
    const page = await browser.context.newPage();
    const scripts: string[] = [];
    page.on('console', (message) => scripts.push(message.text()));
    await page.goto(`${app.url}/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhook deliveries');
    expect(await page.locator('table.events tbody tr').count()).toBe(2);

    await page.getByLabel('Status', { exact: true }).selectOption('dead');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=dead/);
    expect(await page.locator('table.events tbody tr').count()).toBe(1);

    await page.getByRole('link', { name: bad.id }).click();
    await page.waitForURL(`**/events/${bad.id}`);
    expect(await page.locator('dl.facts').textContent()).toContain('dead');
    expect(await page.getByRole('table').textContent()).toContain('Error: carrier refused order broken-browser');

    app.fix();
    await page.getByRole('button', { name: 'Replay this event' }).click();
    await page.getByRole('button', { name: 'Yes, replay' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Re-queued 1 event.');

    await app.statusOf(bad.id, 'done');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.locator('dl.facts .status').textContent()).toBe('done');
    expect(await page.getByRole('table').textContent()).toMatch(/succeeded/);
    // Nothing ran in the page: the CSP allows no script and the console ships none.
    expect(scripts).toEqual([]);
    await page.close();
  });
});
