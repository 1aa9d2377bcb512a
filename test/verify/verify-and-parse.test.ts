import { describe, expect, it } from 'vitest';
import { verifyAndParse } from '../../src/verify/verify-and-parse.js';
import { verifyAndParseAsync } from '../../src/verify/verify-and-parse-async.js';
import { WebhookVerificationError, type WebhookVerificationErrorCode } from '../../src/verify/errors.js';
import { signPayload } from '../../src/testing/sign-payload.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';

const verifiers = [
  ['verifyAndParse', async (...args: Parameters<typeof verifyAndParse>) => verifyAndParse(...args)],
  ['verifyAndParseAsync', verifyAndParseAsync],
] as const;

describe.each(verifiers)('%s', (_name, verify) => {
  const delivery = paidCheckout('order_1');
  const header = delivery.headers['stripe-signature'];

  async function failure(run: () => Promise<unknown>): Promise<WebhookVerificationError> {
    const error = await run().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!WebhookVerificationError.is(error)) throw new Error(`expected a WebhookVerificationError, got ${String(error)}`);
    // No message may carry a secret, whichever was configured.
    expect(error.message).not.toContain(testSecret);
    expect(error).toBeInstanceOf(Error);
    return error;
  }

  it('returns the event for a string, a Buffer and an ArrayBuffer body', async () => {
    const bytes = Buffer.from(delivery.body);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    for (const payload of [delivery.body, bytes, arrayBuffer]) {
      const event = await verify(payload, header, testSecret);
      expect(event.id).toBe(delivery.event.id);
      expect(event.type).toBe('checkout.session.completed');
    }
  });

  it('accepts the delivery when any of several secrets matches any v1 signature', async () => {
    const other = signPayload(delivery.body, 'whsec_other').split(',')[1];
    const event = await verify(delivery.body, `${header},${other}`, ['whsec_old_rotated', testSecret]);
    expect(event.id).toBe(delivery.event.id);
  });

  const cases: Array<[WebhookVerificationErrorCode, number, () => Promise<unknown>, RegExp]> = [
    ['missing_secret', 500, () => verify(delivery.body, header, ''), /signing secret/],
    ['missing_secret', 500, () => verify(delivery.body, header, [testSecret, '  ']), /Secret #2 of 2/],
    ['missing_secret', 500, () => verify(delivery.body, header, []), /No webhook signing secret/],
    ['missing_signature', 400, () => verify(delivery.body, undefined, testSecret), /No Stripe-Signature header/],
    ['missing_signature', 400, () => verify(delivery.body, '', testSecret), /No Stripe-Signature header/],
    ['malformed_signature', 400, () => verify(delivery.body, [header, header], testSecret), /several Stripe-Signature headers/],
    ['malformed_signature', 400, () => verify(delivery.body, 'v1=abc', testSecret), /no timestamp/],
    ['malformed_signature', 400, () => verify(delivery.body, header.replace('v1=', 'v0='), testSecret), /no `v1` signature/],
    ['malformed_signature', 400, () => verify(delivery.body, `${header},v1=`, testSecret), /empty `v1`/],
    ['no_matching_signature', 400, () => verify(delivery.body, header, 'whsec_wrong'), /raw request body.*secret/s],
    ['no_matching_signature', 400, () => verify(`${delivery.body} `, header, testSecret), /re-serializes/],
    ['no_matching_signature', 400, () => verify(delivery.body, header, `${testSecret}\n`), /whitespace/],
    ['no_matching_signature', 400, () => verify('', header, testSecret), /body is empty/],
    ['timestamp_out_of_tolerance', 400, () => verify(delivery.body, header, testSecret, { now: () => Date.now() + 301_000 }), /tolerance.*clock/s],
    ['body_not_raw', 500, () => verify(JSON.parse(delivery.body) as string, header, testSecret), /^The webhook payload is an Object, not the raw request body.*express\.json\(\).*Fastify.*NestJS.*raw bytes or text/s],
    ['invalid_json', 400, () => verify('not json', signPayload('not json', testSecret), testSecret), /not valid JSON/],
    ['not_an_event', 400, () => verify('{"a":1}', signPayload('{"a":1}', testSecret), testSecret), /not a Stripe event/],
    ['not_an_event', 400, () => verify('[1]', signPayload('[1]', testSecret), testSecret), /not a Stripe event/],
  ];

  it.each(cases)('rejects with %s (%i)', async (code, status, run, message) => {
    const error = await failure(run);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });

  it('points thin v2 event notifications to stripe-node\'s notification parser', async () => {
    const thin = JSON.stringify({ id: 'evt_thin', object: 'v2.core.event', type: 'v1.billing.meter.error_report_triggered' });
    const error = await failure(() => verify(thin, signPayload(thin, testSecret), testSecret));
    expect(error.code).toBe('not_an_event');
    expect(error.message).toMatch(/parseEventNotification/);
  });

  it('honours tolerance 0 (no age check) and a custom clock', async () => {
    const old = signPayload(delivery.body, testSecret, { timestamp: 1_000_000 });
    await expect(verify(delivery.body, old, testSecret)).rejects.toMatchObject({ code: 'timestamp_out_of_tolerance' });
    expect((await verify(delivery.body, old, testSecret, { tolerance: 0 })).id).toBe(delivery.event.id);
    expect((await verify(delivery.body, old, testSecret, { now: () => (1_000_000 + 299) * 1000 })).id).toBe(delivery.event.id);
  });

  it('accepts a signature up to exactly the tolerance and refuses one second more', async () => {
    const signedAt = 1_700_000_000;
    const signed = signPayload(delivery.body, testSecret, { timestamp: signedAt });
    const at = (seconds: number) => ({ tolerance: 60, now: () => (signedAt + seconds) * 1000 });
    expect((await verify(delivery.body, signed, testSecret, at(60))).id).toBe(delivery.event.id);
    await expect(verify(delivery.body, signed, testSecret, at(61))).rejects.toMatchObject({ code: 'timestamp_out_of_tolerance' });
  });
});
