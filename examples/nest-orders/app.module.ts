import { Module, type DynamicModule } from '@nestjs/common';
import { StripeWebhookModule } from 'stripe-webhook-kit/nest';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import type { ExampleConfig } from '../shared/config.js';
import type { OrdersDb } from '../shared/orders-db.js';
import { OrderWebhooks } from './order-webhooks.service.js';
import { OrdersController } from './orders.controller.js';
import { EXAMPLE_CONFIG, ORDERS_DB } from './tokens.js';

@Module({})
export class AppModule {
  /** The database is opened before Nest starts, so its connection errors are plain to see. */
  static register(config: ExampleConfig, orders: OrdersDb): DynamicModule {
    return {
      module: AppModule,
      // A Nest route at POST /v1/webhook (under any global prefix), answering per the kit's status
      // contract (200, never Nest's 201). The processed events are kept in the orders' database
      // (see express-orders for why).
      imports: [StripeWebhookModule.forRoot({ secret: config.webhookSecret, path: 'v1/webhook', store: postgresStore(orders.client, { transactional: true }) })],
      controllers: [OrdersController],
      providers: [{ provide: ORDERS_DB, useValue: orders }, { provide: EXAMPLE_CONFIG, useValue: config }, OrderWebhooks],
    };
  }
}
