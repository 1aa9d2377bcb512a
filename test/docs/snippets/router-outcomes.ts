import { createWebhookRouter, NonRetryableError } from 'stripe-webhook-kit';

const router = createWebhookRouter();

router.on('invoice.paid', async (event, ctx) => {
  const invoice = event.data.object; // Stripe.Invoice
  if (invoice.customer === null) {
    // Retrying cannot make a customer appear: answer 200 and record the event as discarded.
    throw new NonRetryableError(`invoice ${invoice.id} has no customer`);
  }
  // Any other error is a 500 (or a failed inbox attempt): Stripe delivers the event again.
  const response = await fetch(`https://crm.example.com/customers/${String(invoice.customer)}/paid`, {
    method: 'POST',
    signal: ctx.signal, // aborted when the attempt runs out of time
  });
  if (!response.ok) throw new Error(`the CRM answered ${response.status}`);
});

// Runs once per failed dispatch, whatever the number of failed handlers.
router.onError((error, event, ctx) => {
  for (const cause of error.errors) {
    ctx.logger.warn(NonRetryableError.is(cause) ? 'event discarded' : 'event will be retried', { eventId: event.id, reason: String(cause) });
  }
});
