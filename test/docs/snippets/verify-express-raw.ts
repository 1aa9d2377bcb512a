import express from 'express';
import { verifyAndParse, WebhookVerificationError } from 'stripe-webhook-kit';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');
const app = express();

// The webhook route gets the raw bytes (a Buffer) from its own parser, declared before any
// app-wide express.json(); give it a limit at least as large as the bodies you accept.
app.post('/v1/webhook', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
  try {
    const event = verifyAndParse(req.body as Buffer, req.headers['stripe-signature'], secret);
    res.json({ received: true, type: event.type });
  } catch (error) {
    if (!WebhookVerificationError.is(error)) throw error;
    res.status(error.status).json({ error: error.code });
  }
});
app.use(express.json()); // the rest of the app parses JSON as usual
