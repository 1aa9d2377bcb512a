// A few doc blocks run inside the app their page builds, and use what that app already has: its
// router, inbox and signing secret, its Nest app, its own fulfilment function. The page's prose
// says so; this declares them for those blocks alone (only the snippets' tsconfig includes this
// file), so the block a reader sees is the block that compiles.
import type { INestApplication } from '@nestjs/common';
import type Stripe from 'stripe';
import type { Inbox, WebhookRouter } from 'stripe-webhook-kit';

declare global {
  const router: WebhookRouter;
  const inbox: Inbox;
  const secret: string;
  const app: INestApplication;
  function fulfil(session: Stripe.Checkout.Session): Promise<void>;
}
