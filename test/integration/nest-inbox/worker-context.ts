// A worker process as a user's worker.ts would be: a Nest application context (no HTTP server)
// that runs the app's decorated handlers on the inbox's events. Prints "ready" once it takes jobs,
// each handler's effect as a line, and "closed" when Nest shuts it down (SIGTERM, through
// enableShutdownHooks). Which inbox: see inbox-engines.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StripeInboxWorkerModule } from '../../../src/entries/nest.js';
import { EFFECTS, Fulfillment, type Effects } from './fulfillment.js';
import { openInboxFromEnv, type OpenedInbox } from './inbox-engines.js';

const INBOX = 'INBOX';

// A held handler finishes only after SIGTERM, so the stop surely begins while it runs: Nest calls
// the worker's stop within the same turn of the event loop, before this timer fires.
const stopRequested = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
const effects: Effects = {
  record: (line) => void process.stdout.write(`${line}\n`),
  released: () => stopRequested.then(() => sleep(300)),
};

/** Closes the engine's client after the worker stopped: Nest's last hook, as Nest advises for connections. */
@Injectable()
class InboxConnection implements OnApplicationShutdown {
  constructor(@Inject(INBOX) private readonly opened: OpenedInbox) {}

  async onApplicationShutdown() {
    process.stdout.write('closed\n');
    await this.opened.close();
  }
}

@Module({ providers: [{ provide: INBOX, useFactory: openInboxFromEnv }, InboxConnection], exports: [INBOX] })
class InboxModule {}

@Module({
  imports: [
    StripeInboxWorkerModule.forRootAsync({
      imports: [InboxModule],
      inject: [INBOX],
      useFactory: (opened: OpenedInbox) => ({ inbox: opened.inbox, concurrency: Number(process.env.WORKER_CONCURRENCY ?? 1), logger: false }),
    }),
  ],
  providers: [Fulfillment, { provide: EFFECTS, useValue: effects }],
})
class WorkerModule {}

const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
process.stdout.write('ready\n');
