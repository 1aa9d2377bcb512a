import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { verifyAndParse } from 'stripe-webhook-kit';
import { createTestEvent, signPayload } from 'stripe-webhook-kit/testing';

const stripe = new Stripe('sk_test_unused');
const secret = 'whsec_test_only';
const payload = JSON.stringify(createTestEvent('invoice.paid'));

// A header made by stripe-node verifies here...
const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
assert.equal(verifyAndParse(payload, header, secret).type, 'invoice.paid');

// ...and a header made here verifies with stripe-node.
assert.equal(stripe.webhooks.constructEvent(payload, signPayload(payload, secret), secret).type, 'invoice.paid');
