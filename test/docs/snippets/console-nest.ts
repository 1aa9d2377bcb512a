import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';
import { consoleNodeListener, createConsoleHandler } from 'stripe-webhook-kit/console';
import { isOnCall } from './console-authorize.js';

@Module({})
class AppModule {}

const inbox = bullmqInbox({ connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }) });
const consoleApp = createConsoleHandler({ inbox, basePath: '/stripe', authorize: isOnCall });

// bodyParser: false, or mount the console before Nest's parsers read its form bodies.
const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false });
app.use('/stripe', consoleNodeListener(consoleApp));
await app.listen(3000);
