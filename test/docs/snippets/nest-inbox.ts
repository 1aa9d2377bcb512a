import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import PgBoss from 'pg-boss'; // pg-boss 11+: import { PgBoss } from 'pg-boss'
import type Stripe from 'stripe';
import { orderReference, type Inbox } from 'stripe-webhook-kit';
import { OnCheckoutPaid, StripeInboxWorkerModule, StripeWebhookModule } from 'stripe-webhook-kit/nest';
import { pgBossInbox } from 'stripe-webhook-kit/pg-boss';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
const databaseUrl = process.env.DATABASE_URL;
if (!secret || !databaseUrl) throw new Error('Set STRIPE_WEBHOOK_SECRET (whsec_...) and DATABASE_URL');

export const INBOX = 'INBOX';

// Closes pg-boss in Nest's last hook: after the worker has finished the events it holds.
@Injectable()
class BossShutdown implements OnApplicationShutdown {
  constructor(@Inject(PgBoss) private readonly boss: PgBoss) {}
  async onApplicationShutdown() {
    await this.boss.stop();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: PgBoss,
      useFactory: async () => {
        const boss = new PgBoss(databaseUrl);
        await boss.start();
        return boss;
      },
    },
    { provide: INBOX, inject: [PgBoss], useFactory: (boss: PgBoss) => pgBossInbox(boss, { queue: 'stripe-events', retry: { limit: 8 } }) },
    BossShutdown,
  ],
  exports: [INBOX],
})
export class InboxModule {}

@Injectable()
export class Fulfillment {
  @OnCheckoutPaid()
  async paid(session: Stripe.Checkout.Session) {
    console.log(`fulfilling order ${orderReference(session)}`); // slow work is fine here: Stripe has its 200
  }
}

// main.ts: verifies each delivery, stores it, answers 200 {"received":true,"queued":true}.
@Module({
  imports: [InboxModule, StripeWebhookModule.forRootAsync({ inject: [INBOX], useFactory: (inbox: Inbox) => ({ secret, inbox }) })],
})
export class AppModule {}

// worker.ts: no HTTP server; runs the same decorated methods on the stored events.
@Module({
  imports: [InboxModule, StripeInboxWorkerModule.forRootAsync({ inject: [INBOX], useFactory: (inbox: Inbox) => ({ inbox, concurrency: 8 }) })],
  providers: [Fulfillment],
})
export class WorkerModule {}

const worker = await NestFactory.createApplicationContext(WorkerModule);
worker.enableShutdownHooks(); // on SIGTERM: takes nothing new, finishes what it holds, then closes pg-boss
