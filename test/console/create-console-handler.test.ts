// The console over real HTTP against a real inbox (pg-boss on PGlite, a worker whose handler fails
// for "broken" orders): every route and action, the auth and CSRF rules, escaping, paging, filters
// and replay counts.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandler } from '../../src/console/create-console-handler.js';
import { orderEvent, serveConsole, startConsoleApp, type ConsoleApp } from '../support/console-app.js';
import type { RunningServer } from '../support/status-contract.js';
import { ConsoleClient, listedIds } from './console-client.js';

const xss = '<script>alert("pwned")</script>';
let app: ConsoleApp;
const ok = [orderEvent('ok-1'), orderEvent('ok-2'), orderEvent('ok-3')];
const dead = [orderEvent('broken-1'), orderEvent('broken-2'), orderEvent('broken-3')];
// An attacker-controlled order id reaches metadata, the order column and the handler's error message.
const hostile = orderEvent(`broken-${xss}`, { data: { object: { metadata: { orderId: `broken-${xss}`, note: xss }, payment_status: 'paid' } } });
const servers: RunningServer[] = [];

beforeAll(async () => {
  app = await startConsoleApp({ basePath: '/ops/' });
  await app.seed([...ok, ...dead, hostile]);
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await app?.close();
});

const idsOf = (events: readonly Stripe.Event[]) => events.map((event) => event.id);

describe('pages', () => {
  it('lists deliveries newest first with counters, chart, and the security headers', async () => {
    const page = await new ConsoleClient(app.url).get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toMatch(/^swk_console_csrf=[0-9a-f]+\.[0-9a-f]+; Path=\/ops; HttpOnly; SameSite=Strict/);
    expect(listedIds(page.text).sort()).toEqual(idsOf([...ok, ...dead, hostile]).sort());
    expect(page.text).toMatch(/status-done">done<\/span><b>3<\/b>/);
    expect(page.text).toMatch(/status-dead">dead<\/span><b>4<\/b>/);
    expect(page.text).toContain('<svg viewBox');
    expect(page.text).toMatch(/7 received, 4 failed/);
    expect(page.text).toContain('<code>ok-2</code>');
    expect(page.text).toContain(`<code>${(ok[0]?.data.object as { id: string }).id}</code>`);
  });

  it('answers at the base path with and without its trailing slash, 404 elsewhere, 405 for wrong methods', async () => {
    const client = new ConsoleClient(app.url);
    expect((await client.get('')).status).toBe(200);
    expect((await client.get('/')).status).toBe(200);
    expect((await client.get('/nowhere')).status).toBe(404);
    expect((await client.get('/events/evt_missing')).code).toBe('console_event_not_found');
    expect((await new ConsoleClient(app.url.replace('/ops', '/opsx')).get('/')).status).toBe(404);
    const postList = await client.post('/', []);
    expect([postList.status, postList.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const getReplay = await client.get('/replay');
    expect([getReplay.status, getReplay.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await client.post(`/events/${ok[0]?.id}`, [])).status).toBe(405);
  });

  it('filters by status, type, one search term (event, object or order id) and time range', async () => {
    const client = new ConsoleClient(app.url);
    expect(listedIds((await client.get('/?status=dead')).text).sort()).toEqual(idsOf([...dead, hostile]).sort());
    expect(listedIds((await client.get('/?type=invoice.paid')).text)).toEqual([]);
    expect(listedIds((await client.get('/?type=checkout.session.completed')).text)).toHaveLength(7);
    expect(listedIds((await client.get('/?q=ok-2')).text)).toEqual(idsOf([ok[1] as Stripe.Event]));
    expect(listedIds((await client.get(`/?q=${ok[0]?.id}`)).text)).toEqual(idsOf([ok[0] as Stripe.Event]));
    const objectId = (dead[0]?.data.object as { id: string }).id;
    expect(listedIds((await client.get(`/?q=${objectId}`)).text)).toEqual(idsOf([dead[0] as Stripe.Event]));
    const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
    const past = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
    expect(listedIds((await client.get(`/?since=${future}`)).text)).toEqual([]);
    expect(listedIds((await client.get(`/?since=${past}&until=${future}`)).text)).toHaveLength(7);
    expect(listedIds((await client.get(`/?until=${past}`)).text)).toEqual([]);
    // The form shows the filters back.
    expect((await client.get('/?status=dead&q=ok-2')).text).toMatch(/<option value="dead" selected>/);
  });

  it('pages with the cursor, keeping the filters, until the end', async () => {
    const client = new ConsoleClient(app.url);
    const seen: string[] = [];
    let path = '/?type=checkout.session.completed&limit=3';
    for (let pages = 0; pages < 5; pages++) {
      const page = await client.get(path);
      seen.push(...listedIds(page.text));
      const next = /<a class="button secondary" rel="next" href="([^"]+)"/.exec(page.text)?.[1];
      if (!next) break;
      path = next.replaceAll('&amp;', '&').slice('/ops'.length);
      expect(path).toMatch(/type=checkout\.session\.completed.*cursor=.*limit=3/);
    }
    expect(seen.sort()).toEqual(idsOf([...ok, ...dead, hostile]).sort());
  });

  it('shows one event: facts, attempts with error and stack, pretty payload', async () => {
    const page = await new ConsoleClient(app.url).get(`/events/${dead[0]?.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('status-dead">dead');
    expect(page.text).toContain('Error: carrier refused order broken-1');
    expect(page.text).toMatch(/<summary>Stack<\/summary><pre>Error: carrier refused order broken-1\n\s+at /);
    expect(page.text).toContain('&quot;orderId&quot;: &quot;broken-1&quot;');
    expect(page.text).toMatch(/<td data-label="Duration">\d+ ms<\/td>/);
  });

  it('renders everything from the payload and the errors as text', async () => {
    const client = new ConsoleClient(app.url);
    for (const page of [await client.get('/'), await client.get(`/events/${hostile.id}`)]) {
      expect(page.text).not.toContain('<script');
      expect(page.text).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    }
    expect((await client.get(`/events/${hostile.id}`)).text).toContain('Error: carrier refused order broken-&lt;script&gt;');
  });
});

describe('access', () => {
  async function serve(options: Parameters<typeof createConsoleHandler>[0]): Promise<string> {
    const server = await serveConsole(createConsoleHandler(options));
    servers.push(server);
    return server.url;
  }

  it('runs authorize on every request, sync or async, and answers 403 when it says no', async () => {
    const seen: string[] = [];
    const url = await serve({
      inbox: app.inbox,
      authorize: async (request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return request.headers.get('authorization') === 'Bearer on-call';
      },
    });
    expect((await fetch(`${url}/`)).status).toBe(403);
    expect((await fetch(`${url}/`, { headers: { authorization: 'Bearer on-call' } })).status).toBe(200);
    expect((await fetch(`${url}/events/${ok[0]?.id}`, { headers: { authorization: 'Bearer on-call' } })).status).toBe(200);
    expect((await fetch(`${url}/replay`, { method: 'POST' })).status).toBe(403);
    expect(seen).toEqual(['GET /', 'GET /', `GET /events/${ok[0]?.id}`, 'POST /replay']);
    const sync = await serve({ inbox: app.inbox, authorize: () => false });
    const refused = await new ConsoleClient(sync).get('/');
    expect([refused.status, refused.code]).toEqual([403, 'console_forbidden']);
  });

  it('without authorize, answers loopback clients only, and refuses a client it cannot place', async () => {
    const consoleApp = createConsoleHandler({ inbox: app.inbox });
    const request = () => new Request('http://127.0.0.1:4400/');
    expect((await consoleApp(request(), { clientAddress: '127.0.0.1' })).status).toBe(200);
    expect((await consoleApp(request(), { clientAddress: '::1' })).status).toBe(200);
    expect((await consoleApp(request(), { clientAddress: '::ffff:127.0.0.1' })).status).toBe(200);
    const remote = await consoleApp(request(), { clientAddress: '203.0.113.7' });
    expect([remote.status, await remote.text()]).toEqual([403, expect.stringContaining('console_not_loopback')]);
    const unknown = await consoleApp(request());
    expect([unknown.status, await unknown.text()]).toEqual([403, expect.stringMatching(/console_client_unknown[\s\S]*Pass authorize\(request\)/)]);
    // A loopback peer is not enough: the request must be addressed to this machine too.
    const rebound = await consoleApp(new Request('http://console.internal/'), { clientAddress: '127.0.0.1' });
    expect([rebound.status, await rebound.text()]).toEqual([403, expect.stringContaining('console_host_not_loopback')]);
    const byOption = createConsoleHandler({ inbox: app.inbox, clientAddress: (req) => req.headers.get('x-peer') ?? undefined });
    expect((await byOption(new Request('http://localhost/', { headers: { 'x-peer': '127.0.0.1' } }))).status).toBe(200);
    expect((await byOption(new Request('http://localhost/', { headers: { 'x-peer': '10.0.0.2' } }))).status).toBe(403);
    // Over node:http the listener passes the socket's address: the fixture's console answers.
    expect((await fetch(`${app.url}/`)).status).toBe(200);
  });

  it('refuses every action with 403 when read-only, and shows its buttons disabled', async () => {
    const client = new ConsoleClient(await serve({ inbox: app.inbox, readOnly: true }));
    const list = await client.get('/');
    expect(list.text).toContain('<button type="submit" form="replay-dead" class="danger" disabled>');
    const refused = await client.post('/replay', [['scope', 'dead'], ['confirm', 'yes']]);
    expect([refused.status, refused.code]).toEqual([403, 'console_read_only']);
    expect((await client.post('/replay', [['id', dead[0]?.id as string]])).status).toBe(403);
    expect((await app.inbox.get(dead[0]?.id as string))?.status).toBe('dead');
  });

  it('refuses a POST without the CSRF cookie and token, with a wrong one, or from another origin', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/');
    const form: [string, string][] = [['id', dead[0]?.id as string], ['confirm', 'yes']];
    expect((await client.post('/replay', form, { csrf: null })).code).toBe('console_csrf');
    expect((await client.post('/replay', form, { csrf: `${'0'.repeat(32)}.${'0'.repeat(64)}` })).code).toBe('console_csrf');
    expect((await client.post('/replay', form, { cookie: 'other=1' })).code).toBe('console_csrf');
    // A token signed by another console (another process, or a restart) is stale.
    const other = new ConsoleClient(await serve({ inbox: app.inbox, authorize: () => true }));
    await other.get('/');
    expect((await client.post('/replay', form, { csrf: other.csrf, cookie: other.cookie })).code).toBe('console_csrf');
    expect((await client.post('/replay', form, { origin: 'https://evil.example' })).code).toBe('console_cross_origin');
    expect((await client.post('/replay', form, { origin: null })).code).toBe('console_cross_origin');
    expect((await client.post('/replay', form, { origin: 'null' })).code).toBe('console_cross_origin');
    expect((await app.inbox.get(dead[0]?.id as string))?.status).toBe('dead');
  });
});

describe('replay', () => {
  it('asks for confirmation first, then re-queues one event and says so; the fixed handler makes it done', async () => {
    const client = new ConsoleClient(app.url);
    const detail = await client.get(`/events/${dead[0]?.id}`);
    expect(detail.text).toContain('Replay this event');
    const confirm = await client.post('/replay', [['id', dead[0]?.id as string]]);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`Re-queue the event <code>${dead[0]?.id}</code>?`);
    expect(confirm.text).toContain('<input type="hidden" name="confirm" value="yes">');
    expect((await app.inbox.get(dead[0]?.id as string))?.status).toBe('dead');
    app.fix();
    const done = await client.post('/replay', [['id', dead[0]?.id as string], ['confirm', 'yes']]);
    expect([done.status, done.headers.get('x-replayed-count')]).toEqual([200, '1']);
    expect(done.text).toContain('Re-queued <strong data-replayed="1">1</strong> event.');
    await app.statusOf(dead[0]?.id as string, 'done');
  });

  it('replays a selection and answers how many; refuses an empty selection', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/');
    expect((await client.post('/replay', [])).code).toBe('console_bad_selection');
    const ids = [dead[1]?.id as string, ok[0]?.id as string];
    const confirm = await client.post('/replay', ids.map((id) => ['id', id]));
    expect(confirm.text).toContain('these <strong>2</strong> events');
    // A done event among them: a second, explicit button, which says the handlers' writes run again.
    expect(confirm.text).toMatch(/data-done="1">.*is <strong>done<\/strong>: replaying runs their handlers' writes again/);
    expect(confirm.text).toContain('<button type="submit" name="include_done" value="yes" class="danger">');
    const replayed = await client.post('/replay', [...ids.map((id): [string, string] => ['id', id]), ['confirm', 'yes'], ['include_done', 'yes']]);
    expect(replayed.headers.get('x-replayed-count')).toBe('2');
    for (const id of ids) await app.statusOf(id, 'done');
  });

  it('replays every dead event after confirming how many there are', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/?status=dead');
    const confirm = await client.post('/replay', [['scope', 'dead']]);
    expect(confirm.text).toContain('every dead event (<strong>2</strong> now)');
    const replayed = await client.post('/replay', [['scope', 'dead'], ['confirm', 'yes']]);
    expect(replayed.text).toContain('Re-queued <strong data-replayed="2">2</strong> events.');
    for (const id of [dead[2]?.id as string, hostile.id]) await app.statusOf(id, 'done');
    expect(listedIds((await client.get('/?status=dead')).text)).toEqual([]);
  });
});
