import { createServer } from 'node:http';
import { verifyAndParse, WebhookVerificationError } from 'stripe-webhook-kit';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

// Your own endpoint on node:http: read the raw body, verify it, then answer.
createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const event = verifyAndParse(Buffer.concat(chunks), req.headers['stripe-signature'], secret);
      console.log('verified', event.type);
      res.writeHead(200).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      console.warn(error.code, error.status, error.message);
      res.writeHead(error.status).end();
    }
  });
}).listen(Number(process.env.PORT ?? 3000));
