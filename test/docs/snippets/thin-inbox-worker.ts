import Stripe from 'stripe';
import { startInboxWorker } from 'stripe-webhook-kit';

startInboxWorker({ inbox, router, stripe: new Stripe(process.env.STRIPE_SECRET_KEY!) });
