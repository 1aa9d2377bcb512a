import Fastify from 'fastify';
import { verifyAndParse, WebhookVerificationError } from 'stripe-webhook-kit';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');
const app = Fastify();

// Encapsulated: inside this plugin JSON bodies stay Buffers; the rest of the app keeps its parser.
await app.register(async (webhook) => {
  webhook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  webhook.post('/v1/webhook', async (request, reply) => {
    try {
      const event = verifyAndParse(request.body as Buffer, request.headers['stripe-signature'], secret);
      return { received: true, type: event.type };
    } catch (error) {
      if (!WebhookVerificationError.is(error)) throw error;
      return reply.code(error.status).send({ error: error.code });
    }
  });
});
