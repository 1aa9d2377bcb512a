import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Stripe from 'stripe';
import { orderReference, type WebhookRouter } from 'stripe-webhook-kit';
import { OnStripeEvent, STRIPE_WEBHOOK_ROUTER } from 'stripe-webhook-kit/nest';
import { addOrderWebhooks } from '../shared/order-webhooks.js';
import type { OrdersDb } from '../shared/orders-db.js';
import { ORDERS_DB } from './tokens.js';

@Injectable()
export class OrderWebhooks implements OnModuleInit {
  constructor(
    @Inject(STRIPE_WEBHOOK_ROUTER) private readonly router: WebhookRouter,
    @Inject(ORDERS_DB) private readonly orders: OrdersDb,
  ) {}

  /**
   * The order flow uses the router's checkout helpers (onCheckoutPaid, ...), which know which
   * payment statuses mean "fulfill now": the module exports its router, so the same handlers as
   * in the other examples go on it.
   */
  onModuleInit(): void {
    addOrderWebhooks(this.router, this.orders);
  }

  /** Any single event type is one decorated method away, on any provider. */
  @OnStripeEvent('checkout.session.expired')
  async expired(event: Stripe.CheckoutSessionExpiredEvent): Promise<void> {
    const order = await this.orders.getOrder(orderReference(event.data.object));
    // Nothing to undo: the order stays as it is, and the customer may start a new session.
    console.log(`checkout expired for order ${order?.id ?? '(unknown)'}, still ${order?.status ?? 'absent'}`);
  }
}
