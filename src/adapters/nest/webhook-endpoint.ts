import type { WebhookHandler } from '../../handler/build-webhook-handler.js';
import type { Inbox } from '../../inbox/types.js';
import type { WebhookRouter } from '../../router/create-webhook-router.js';
import type { ResolvedEndpoint } from './stripe-webhook-options.js';

/** One `forRoot` import's endpoint, as its controller, explorer and body reader share it. */
export interface WebhookEndpoint extends ResolvedEndpoint {
  router: WebhookRouter;
  handler: WebhookHandler;
  /** Given: the route stores events there, and `StripeInboxWorkerModule` runs the decorated methods. */
  inbox: Inbox | undefined;
}
