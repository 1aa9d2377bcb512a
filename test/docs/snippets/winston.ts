import express from 'express';
import winston from 'winston';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the endpoint\'s signing secret (whsec_...).');

// winston takes (message, meta) as the kit calls it: pass it as it is.
const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console()] });

const app = express();
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router: createWebhookRouter(), logger }));
