// The console's health banner in a real browser (Debian's Chromium through playwright-core), as the
// person on call sees it: at the top of the list, saying what is wrong, its links leading there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, chromiumPath, launchChromium } from '../support/chromium.js';
import { orderEvent, startConsoleApp, type ConsoleApp } from '../support/console-app.js';

if (!chromiumInstalled && process.env.CI === 'true') throw new Error(`Chromium is missing at ${chromiumPath}: CI must run the browser test (.ci/run installs it: apt-get install -y chromium).`);

describe.skipIf(!chromiumInstalled)('the health banner in Chromium', () => {
  let app: ConsoleApp;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    app = await startConsoleApp({ basePath: '/stripe' });
    await app.seed([orderEvent('ok-current'), orderEvent('ok-older', { api_version: '2024-06-20' }), orderEvent('broken-browser')]);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is visible above the counters, names the dead event and the drift, and links to the dead events', { timeout: 60_000 }, async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/`);
    const banner = page.getByRole('alert', { name: 'Health' });
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('dead events: 1 dead events');
    expect(await banner.textContent()).toContain('API version drift: 1 listed event has an api_version other than');
    const bannerBox = await banner.boundingBox();
    const countersBox = await page.getByRole('region', { name: 'Events by status' }).boundingBox();
    expect(bannerBox !== null && countersBox !== null && bannerBox.y < countersBox.y).toBe(true);
    expect(await page.locator('td.drift').textContent()).toContain('2024-06-20');

    await page.getByRole('link', { name: 'Show dead events' }).click();
    await page.waitForURL(/status=dead/);
    expect(await page.locator('table.events tbody tr').count()).toBe(1);
    await page.close();
  });
});
