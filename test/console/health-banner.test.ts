// The list page's health banner and API-version column over a real inbox (pg-boss on PGlite, a
// worker whose handler fails for "broken" orders), read as HTML; health-banner-browser.test.ts
// looks at it in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandler } from '../../src/console/create-console-handler.js';
import { stripeTypesApiVersion } from '../../src/generated/api-version.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startPgBossOnPglite } from '../support/pg-boss-engines.js';
import { orderEvent, serveConsole, startConsoleApp, type ConsoleApp } from '../support/console-app.js';
import type { RunningServer } from '../support/status-contract.js';
import { ConsoleClient } from './console-client.js';

const hostileVersion = '2024-06-20"><script>alert(1)</script>';
const current = orderEvent('ok-current');
const older = orderEvent('ok-older', { api_version: '2024-06-20' });
const hostile = orderEvent('ok-hostile', { api_version: hostileVersion });
const dead = orderEvent('broken-1');
let app: ConsoleApp;
const servers: RunningServer[] = [];

beforeAll(async () => {
  app = await startConsoleApp({ basePath: '/ops' });
  await app.seed([current, older, hostile, dead]);
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await app?.close();
});

describe('the health banner', () => {
  it('says what is wrong, each problem linking to its events: dead ones and the first drifted one', async () => {
    const page = await new ConsoleClient(app.url).get('/');
    expect(page.status).toBe(200);
    const banner = /<section class="health warning" role="alert" aria-label="Health">([\s\S]*?)<\/section>/.exec(page.text)?.[1] ?? '';
    expect(banner).toContain('<b>dead events</b>: 1 dead events (more than 0)');
    expect(banner).toContain('<a href="/ops/?status=dead">Show dead events</a>');
    expect(banner).toContain(`<b>API version drift</b>: 2 listed events have an api_version other than ${stripeTypesApiVersion}`);
    // Newest first: the hostile event was enqueued after the older one.
    expect(banner).toContain(`<a href="/ops/events/${hostile.id}">Show ${hostile.id}</a>`);
    expect(banner).toContain('Oldest queued: <b>none</b> · Dead since the last replay: <b>1</b>');
  });

  it('shows each event\'s API version, flags those that differ, and escapes what the payload says', async () => {
    const page = await new ConsoleClient(app.url).get('/');
    expect(page.text).toContain('<th scope="col">API version</th>');
    const cells = [...page.text.matchAll(/<td data-label="API version"( class="drift")?><code>(.*?)<\/code>/g)].map((match) => [match[2], match[1] !== undefined]);
    expect(cells).toEqual([
      [stripeTypesApiVersion, false], // broken-1, newest
      ['2024-06-20&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;', true],
      ['2024-06-20', true],
      [stripeTypesApiVersion, false],
    ]);
    expect(page.text).not.toContain('<script>alert(1)');
  });

  it('judges drift against the apiVersion it is given, and refuses one that is not a version', async () => {
    const console = createConsoleHandler({ inbox: app.inbox, basePath: '/old', apiVersion: '2024-06-20' });
    const server = await serveConsole(console, '/old');
    servers.push(server);
    const page = await new ConsoleClient(server.url).get('/');
    expect(page.text).toContain('<b>API version drift</b>: 3 listed events have an api_version other than 2024-06-20');
    expect(page.text).toContain(`<a href="/old/events/${dead.id}">Show ${dead.id}</a>`);
    expect(() => createConsoleHandler({ inbox: app.inbox, apiVersion: 'latest' })).toThrow(/createConsoleHandler: `apiVersion` must be a Stripe API version/);
  });
});

describe('a queue nobody works', () => {
  it('reports the lag and the stall, linking to the queued events', { timeout: 60_000 }, async () => {
    const setup = await startPgBossOnPglite();
    try {
      // No worker: the event stays queued. Received 10 minutes ago, past the 5-minute default.
      const inbox = pgBossInbox(setup.boss, { db: setup.db, table: 'idle_events', queue: 'idle' });
      await inbox.enqueue(orderEvent('waiting'));
      await (setup.db as { query(sql: string): Promise<unknown> }).query(`UPDATE idle_events SET received_at = now() - interval '10 minutes'`);
      const server = await serveConsole(createConsoleHandler({ inbox, basePath: '/idle' }), '/idle');
      servers.push(server);
      const page = await new ConsoleClient(server.url).get('/');
      expect(page.text).toMatch(/<li><b>lagging<\/b>: the oldest of 1 queued events has waited [^<]* <a href="\/idle\/\?status=queued">Show queued events<\/a><\/li>/);
      expect(page.text).toMatch(/<li><b>stalled<\/b>: events wait and none was done ever[^<]* <a href="\/idle\/\?status=queued">Show queued events<\/a><\/li>/);
      expect(page.text).toMatch(/Oldest queued: <b>1\d min<\/b>/);
      await inbox.close();
    } finally {
      await setup.close();
    }
  });
});

describe('after the fix', () => {
  it('shows no problem once the dead event is replayed and every listed event is in the expected version', { timeout: 60_000 }, async () => {
    app.fix();
    expect(await app.inbox.replay({ ids: [dead.id] })).toBe(1);
    await app.statusOf(dead.id, 'done');
    const page = await new ConsoleClient(app.url).get(`/?type=checkout.session.completed&q=${current.id}`);
    expect(page.text).toContain('<section class="health" aria-label="Health">');
    expect(page.text).not.toContain('role="alert"');
    expect(page.text).not.toContain('API version drift');
    expect(page.text).toContain('Dead since the last replay: <b>0</b>');
  });
});
