import express from 'express';
import pino from 'pino';
import { createWebhookRouter, type WebhookLogger } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the endpoint\'s signing secret (whsec_...).');

// pino takes the details first and the message second.
const log = pino();
const logger: WebhookLogger = {
  info: (message, details) => log.info(details ?? {}, message),
  warn: (message, details) => log.warn(details ?? {}, message),
  error: (message, details) => log.error(details ?? {}, message),
};

const app = express();
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router: createWebhookRouter(), logger }));
