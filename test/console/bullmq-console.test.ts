// One pass of the console on the other engine: BullMQ on Redis (list, filter, detail, replay).
import { afterAll, describe, expect, it } from 'vitest';
import { orderEvent, startConsoleApp, type ConsoleApp } from '../support/console-app.js';
import { serviceAvailable } from '../support/services.js';
import { ConsoleClient, listedIds } from './console-client.js';

const redis = await serviceAvailable('Redis');

describe.skipIf(!redis)('the console on a BullMQ inbox', () => {
  let app: ConsoleApp | undefined;
  afterAll(async () => app?.close());

  it('lists, filters to dead, shows the error, and replays the dead event once fixed', async () => {
    app = await startConsoleApp({ engine: 'bullmq', basePath: '/stripe' });
    const good = orderEvent('ok-b');
    const bad = orderEvent('broken-b');
    await app.seed([good, bad]);
    const client = new ConsoleClient(app.url);
    expect(listedIds((await client.get('/')).text).sort()).toEqual([good.id, bad.id].sort());
    expect(listedIds((await client.get('/?status=dead')).text)).toEqual([bad.id]);
    expect(listedIds((await client.get('/?q=ok-b')).text)).toEqual([good.id]);
    const detail = await client.get(`/events/${bad.id}`);
    expect(detail.text).toContain('Error: carrier refused order broken-b');
    app.fix();
    const replayed = await client.post('/replay', [['scope', 'dead'], ['confirm', 'yes']]);
    expect(replayed.headers.get('x-replayed-count')).toBe('1');
    await app.statusOf(bad.id, 'done');
    expect((await client.get(`/events/${bad.id}`)).text).toContain('status-done">done');
  }, 60_000);
});
