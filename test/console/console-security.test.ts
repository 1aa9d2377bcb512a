// The console's edges, attacked over real HTTP as an outsider would: the Host rule that stops DNS
// rebinding, bodies refused before they are read (with the server's memory watched during a
// 100 MB upload), the exact Origin check, filters no database could use, and fuzzed queries and
// forms that must never get a 5xx. A real console over a real inbox throughout.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandler, type ConsoleHandler } from '../../src/console/create-console-handler.js';
import { consoleNodeListener } from '../../src/console/node-listener.js';
import { orderEvent, startConsoleApp, type ConsoleApp } from '../support/console-app.js';
import { listening } from '../support/listen.js';
import { serviceAvailable } from '../support/services.js';
import { ConsoleClient, rawRequest } from './console-client.js';

const megabyte = 1024 * 1024;
const form = 'application/x-www-form-urlencoded';
let app: ConsoleApp;
const events = [orderEvent('ok-sec'), orderEvent('broken-sec')];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  app = await startConsoleApp();
  await app.seed(events);
}, 120_000);
afterAll(async () => {
  for (const close of closers) await close();
  await app?.close();
});

/** A console on node:http that counts the bytes its sockets read: what a refused upload cost it. */
async function serveCounting(consoleApp: ConsoleHandler): Promise<{ url: string; bytesRead(): number }> {
  const sockets: Socket[] = [];
  const server = createServer(consoleNodeListener(consoleApp)).listen(0, '127.0.0.1');
  server.on('connection', (socket) => sockets.push(socket));
  const running = await listening(server, '');
  closers.push(() => running.close());
  return { url: running.url, bytesRead: () => sockets.reduce((sum, socket) => sum + socket.bytesRead, 0) };
}

describe('without authorize, the Host must name this machine', () => {
  it('refuses a Host that is not loopback (DNS rebinding) and answers localhost, 127.0.0.0/8 and [::1] on any port', async () => {
    for (const host of ['attacker.example', 'localhost.attacker.example', '127.0.0.1.nip.io', '0.0.0.0:4000', '[::ffff:127.0.0.1]']) {
      const refused = await rawRequest(`${app.url}/`, { headers: { host } });
      expect([host, refused.status, refused.code]).toEqual([host, 403, 'console_host_not_loopback']);
      expect(refused.text).not.toContain('name="csrf"');
    }
    // A Host that makes no URL is refused before the console sees it.
    expect((await rawRequest(`${app.url}/`, { headers: { host: 'evil@localhost' } })).status).toBe(400);
    for (const host of ['localhost', 'LOCALHOST:4400', '127.0.0.1', '127.8.9.10:1', '[::1]:8080']) {
      expect([host, (await rawRequest(`${app.url}/`, { headers: { host } })).status]).toEqual([host, 200]);
    }
  });

  it('refuses a rebound replay before reading its body', async () => {
    const { url, bytesRead } = await serveCounting(createConsoleHandler({ inbox: app.inbox }));
    const refused = await rawRequest(`${url}/replay`, { method: 'POST', headers: { host: 'attacker.example', origin: 'http://attacker.example', 'content-type': form }, chunk: Buffer.alloc(megabyte, 97), chunks: 40 });
    expect([refused.status, refused.code, refused.closes]).toEqual([403, 'console_host_not_loopback', true]);
    expect(bytesRead()).toBeLessThan(16 * megabyte);
  });

  it('leaves the Host to authorize when there is one', async () => {
    const { url } = await serveCounting(createConsoleHandler({ inbox: app.inbox, authorize: () => true }));
    expect((await rawRequest(`${url}/`, { headers: { host: 'ops.example.com' } })).status).toBe(200);
  });
});

describe('bodies', () => {
  it('answers a 100 MB upload that authorize refuses with 403, without reading it or growing', async () => {
    const { url, bytesRead } = await serveCounting(createConsoleHandler({ inbox: app.inbox, authorize: () => false }));
    // The uploader is another process, so this one's memory is the server's alone.
    // It sends 1 MB, waits for the answer (a console that buffers first never gives one, and the
    // test times out), then pushes the other 99 MB at the closed connection: deterministic, where
    // racing the server's close against the client's writes is not.
    const uploader = `
      const request = require('node:http').request(process.argv[1], { method: 'POST', headers: { 'content-type': '${form}', 'content-length': String(100 * ${megabyte}) } });
      const chunk = Buffer.alloc(${megabyte}, 97);
      let left = 99;
      const pump = () => { while (left-- > 0) if (!request.write(chunk)) return void request.once('drain', pump); request.end(); };
      request.on('response', (response) => { process.stdout.write(String(response.statusCode)); pump(); setTimeout(() => process.exit(0), 500); });
      request.on('error', () => process.exit(0));
      request.write(chunk);`;
    // This isolate's heap and buffers (RSS would count other test files' threads too).
    const used = () => {
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const before = used();
    let peak = before;
    const watch = setInterval(() => (peak = Math.max(peak, used())), 2);
    const status = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', uploader, `${url}/replay`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (part: Buffer) => (output += part.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(output));
    });
    clearInterval(watch);
    peak = Math.max(peak, used());
    expect(status).toBe('403');
    // Before, the console buffered the whole body (twice) before asking authorize: 200 MB and more.
    expect(bytesRead()).toBeLessThan(16 * megabyte);
    expect(peak - before).toBeLessThan(64 * megabyte);
  }, 60_000);

  it('cuts an accepted form off past maxFormBytes as it streams (413), announced or not', async () => {
    const { url, bytesRead } = await serveCounting(createConsoleHandler({ inbox: app.inbox, maxFormBytes: 64 * 1024 }));
    const origin = new URL(url).origin;
    // Chunked: no Content-Length to judge by, so the console counts what it reads.
    const streamed = await rawRequest(`${url}/replay`, { method: 'POST', headers: { origin, 'content-type': form }, chunk: Buffer.alloc(megabyte, 97), chunks: 40 });
    expect([streamed.status, streamed.code, streamed.closes]).toEqual([413, 'console_form_too_large', true]);
    expect(bytesRead()).toBeLessThan(16 * megabyte);
    const announced = await rawRequest(`${url}/replay`, { method: 'POST', headers: { origin, 'content-type': form, 'content-length': String(40 * megabyte) }, chunk: Buffer.alloc(megabyte, 97), chunks: 40 });
    expect([announced.status, announced.code]).toEqual([413, 'console_form_too_large']);
    expect(() => createConsoleHandler({ inbox: app.inbox, maxFormBytes: 0 })).toThrow(/createConsoleHandler: `maxFormBytes` must be a positive whole number of bytes.*; got 0\./);
  }, 60_000);
});

describe('the Origin of a POST', () => {
  it('must be the console own scheme, host and port: no Referer fallback, no https for http', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/');
    const { port } = new URL(app.url);
    const replay = (headers: Record<string, string>) =>
      rawRequest(`${app.url}/replay`, { method: 'POST', headers: { cookie: client.cookie, 'content-type': form, ...headers }, body: new URLSearchParams({ csrf: client.csrf, id: events[1]?.id as string }).toString() });
    const cases: Record<string, string>[] = [
      { referer: `http://127.0.0.1:${port}/` },
      { origin: `https://127.0.0.1:${port}` },
      { origin: `http://127.0.0.1:${Number(port) + 1}` },
      { origin: `http://localhost:${port}` },
      { origin: 'http://127.0.0.1' },
    ];
    for (const headers of cases) {
      expect([headers, (await replay(headers)).code]).toEqual([headers, 'console_cross_origin']);
    }
    const confirm = await replay({ origin: `http://127.0.0.1:${port}` });
    expect([confirm.status, confirm.text]).toEqual([200, expect.stringContaining('Replay?')]);
  });
});

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

// The largest cursor each engine's own form allows: pg-boss's "<µs>.<seq>" (year 9999, bigint), BullMQ's "<seq>".
describe.each([
  ['pg-boss over PostgreSQL', 'pg-boss-postgres', postgres, '253402300799999999.9223372036854775807'],
  ['BullMQ', 'bullmq', redis, '9223372036854775807'],
] as const)('filters no database can use, on %s', (_name, engine, available, largestCursor) => {
  let engineApp: ConsoleApp | undefined;
  beforeAll(async () => {
    if (!available) return;
    engineApp = await startConsoleApp({ engine });
    await engineApp.seed([orderEvent(`ok-${engine}`)]);
  }, 120_000);
  afterAll(async () => engineApp?.close());

  it.skipIf(!available)('are a 400 page that names the parameter, never a 500; the bounds themselves work', async () => {
    const client = new ConsoleClient(engineApp?.url as string);
    const bad: [string, string][] = [
      ['cursor=99999999999999999999999999999', 'cursor'],
      ['cursor=9223372036854775808', 'cursor'],
      ['cursor=253402300800000000.1', 'cursor'],
      ['cursor=abc', 'cursor'],
      ['cursor=1.2.3', 'cursor'],
      ['since=-271821-04-20T00:00', 'since'],
      ['since=275760-09-13T00:00', 'since'],
      ['until=0000-12-31T23:59', 'until'],
      ['since=yesterday', 'since'],
      ['until=2026-13-45T99:99', 'until'],
    ];
    for (const [query, parameter] of bad) {
      const page = await client.get(`/?${query}`);
      expect([query, page.status, page.code]).toEqual([query, 400, 'console_bad_filter']);
      expect(page.text).toContain(`&quot;${parameter}&quot;`);
    }
    for (const query of ['since=0001-01-01T00:00', 'until=9999-12-31T23:59', `cursor=${largestCursor}`, 'since=2026-01-01T00:00Z&until=2026-01-02T00:00:00.000%2B01:00']) {
      expect([query, (await client.get(`/?${query}`)).status]).toEqual([query, 200]);
    }
  }, 60_000);
});

describe('fuzzing', () => {
  // Values an attacker or a mangled link would send: huge, negative, out of range, or noise.
  const hostile = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
    fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n })).map(([a, b]) => `${a}.${b}`),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 16)),
    fc.integer({ min: -300_000, max: 300_000 }).map((year) => `${year}-04-20T00:00`),
    fc.constant('9'.repeat(5000)),
  );
  const names = ['status', 'type', 'q', 'since', 'until', 'cursor', 'limit'];

  it('answers any query of the list with a page or a 4xx, never a 5xx', async () => {
    const client = new ConsoleClient(app.url);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...names), hostile), { maxLength: 4 }), async (pairs) => {
        const answer = await client.get(`/?${new URLSearchParams(pairs).toString()}`);
        expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500)).toBe(true);
      }),
      { seed: 29, numRuns: 200 },
    );
  }, 120_000);

  it('answers any event path and any replay form with a page or a 4xx, never a 5xx', async () => {
    const client = new ConsoleClient(app.url);
    await client.get('/');
    await fc.assert(
      fc.asyncProperty(hostile, fc.array(fc.tuple(fc.constantFrom('id', 'scope', 'confirm', 'include_done', 'csrf', 'other'), hostile), { maxLength: 6 }), async (segment, fields) => {
        const page = await client.get(`/events/${encodeURIComponent(segment)}`);
        expect(page.status === 200 || (page.status >= 400 && page.status < 500)).toBe(true);
        const answer = await client.post('/replay', fields, { csrf: fields.some(([name]) => name === 'csrf') ? null : undefined });
        expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500)).toBe(true);
      }),
      { seed: 29, numRuns: 150 },
    );
  }, 120_000);
});
