import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';
import { createConsoleHandler } from 'stripe-webhook-kit/console';

const inbox = bullmqInbox({ connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }) });
// No authorize: loopback clients only, so the handler needs each client's address.
const consoleApp = createConsoleHandler({ inbox, basePath: '/stripe' });

const app = new Hono();
app.all('/stripe/*', (c) => consoleApp(c.req.raw, { clientAddress: getConnInfo(c).remote.address }));
app.all('/stripe', (c) => consoleApp(c.req.raw, { clientAddress: getConnInfo(c).remote.address }));
serve({ fetch: app.fetch, port: 3000 });
