// `npm run screenshots`: the console's pictures in docs/images/, taken in Debian's Chromium from a
// seeded inbox (pg-boss on PGlite), so the docs show what the code renders today.
import { mkdir } from 'node:fs/promises';
import type Stripe from 'stripe';
import { createTestEvent } from '../src/testing/create-test-event.js';
import { chromiumInstalled, chromiumPath, launchChromium } from '../test/support/chromium.js';
import { startConsoleApp } from '../test/support/console-app.js';

if (!chromiumInstalled) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium`);

const failing = new Set(['ord_1046', 'ord_1051', 'ord_1057']);
// Two events rendered in an older API version than the installed stripe types': the drift banner.
const drifted = new Set(['ord_1049', 'ord_1055']);
const types = ['checkout.session.completed', 'payment_intent.succeeded', 'invoice.paid', 'charge.refunded', 'customer.subscription.updated'] as const;

function seededEvent(index: number): Stripe.Event {
  const orderId = `ord_${1040 + index}`;
  const type = failing.has(orderId) ? 'checkout.session.completed' : (types[index % types.length] as (typeof types)[number]);
  const apiVersion = drifted.has(orderId) ? { api_version: '2025-03-31.basil' } : {};
  return createTestEvent(type, { ...apiVersion, data: { object: { metadata: { orderId } } } } as never) as Stripe.Event;
}

const app = await startConsoleApp({ basePath: '/stripe', fails: (orderId) => failing.has(orderId) });
const browser = await launchChromium({ width: 1280, height: 800 });
try {
  const events = Array.from({ length: 22 }, (_, index) => seededEvent(index));
  await app.seed(events);
  // Spread the deliveries over the last day, so that the chart shows a day's traffic.
  await (app.db as { query(sql: string): Promise<unknown> } | undefined)?.query(`UPDATE console_events SET received_at = now() - (random() * interval '22 hours') - interval '2 minutes'`);
  await mkdir('docs/images', { recursive: true });

  const page = await browser.context.newPage();
  await page.goto(`${app.url}/?limit=10`);
  await page.screenshot({ path: 'docs/images/console-list.png', fullPage: true });

  // Every event listed, so that the banner counts both drifted ones.
  await page.goto(`${app.url}/`);
  await page.locator('section.health').screenshot({ path: 'docs/images/console-health.png' });

  const dead = (await app.inbox.list({ status: 'dead', limit: 1 })).items[0];
  if (!dead) throw new Error('the seed made no dead event');
  await page.goto(`${app.url}/events/${dead.id}`);
  await page.locator('details').first().evaluate((element) => element.setAttribute('open', ''));
  await page.screenshot({ path: 'docs/images/console-detail.png', fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${app.url}/?status=dead`);
  await page.screenshot({ path: 'docs/images/console-phone.png', fullPage: true });
  console.log('wrote docs/images/console-list.png, console-health.png, console-detail.png and console-phone.png');
} finally {
  await browser.close();
  await app.close();
}
