import express from 'express';
import { Redis } from 'ioredis';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';
import { consoleNodeListener, createConsoleHandler } from 'stripe-webhook-kit/console';
import { isOnCall } from './console-authorize.js';

const inbox = bullmqInbox({ connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }) });
const consoleApp = createConsoleHandler({ inbox, basePath: '/stripe', authorize: isOnCall });

const app = express();
// Before any body parser: the console reads its own form bodies.
app.use('/stripe', consoleNodeListener(consoleApp));
app.listen(3000);
