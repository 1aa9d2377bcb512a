import { createWebhookRouter } from 'stripe-webhook-kit';

export const router = createWebhookRouter().on('invoice.paid', async (event, ctx) => {
  // Aborted at the attempt's deadline, at a lost lease, and when a stopping worker's grace ends.
  await fetch(`https://erp.example.com/invoices/${event.data.object.id}/paid`, { method: 'POST', signal: ctx.signal });
});
