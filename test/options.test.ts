import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../src/adapters/express.js';
import { catchUp } from '../src/catch-up/catch-up.js';
import { CatchUpError } from '../src/catch-up/catch-up-error.js';
import { checkEndpoints } from '../src/catch-up/check-endpoints.js';
import { ConsoleError } from '../src/console/console-error.js';
import { createConsoleHandler } from '../src/console/create-console-handler.js';
import { createWebhookHandler } from '../src/handler/create-webhook-handler.js';
import { createHealthHandler } from '../src/inbox/create-health-handler.js';
import { InboxError } from '../src/inbox/inbox-error.js';
import { resolveFilter } from '../src/inbox/list-filter.js';
import { pgBossInbox } from '../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../src/inbox/start-inbox-worker.js';
import { defaults, invalidOption, optionMessage, positiveMs, timerMs, wholeNumber } from '../src/options.js';
import { createWebhookRouter } from '../src/router/create-webhook-router.js';
import { memoryStore } from '../src/stores/memory-store.js';
import { loadPgBoss } from './support/pg-boss-engines.js';
import { postgresStoreSchema } from '../src/stores/postgres-store.js';
import { signPayload } from '../src/testing/sign-payload.js';
import { simulateDeliveries } from '../src/testing/simulate-deliveries.js';
import { SimulationError } from '../src/testing/simulation-options.js';
import { createTestEvent } from '../src/testing/create-test-event.js';

const secret = 'whsec_options_test';

describe('the options policy', () => {
  it('names the function, the option, the requirement and what was given', () => {
    const error = invalidOption('range', 'memoryStore', 'maxEntries', 'a positive integer', 0);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('memoryStore: `maxEntries` must be a positive integer; got 0.');
    expect(invalidOption('type', 'redisStore', 'prefix', 'a string', { a: 1 })).toBeInstanceOf(TypeError);
    expect(invalidOption('type', 'redisStore', 'prefix', 'a string', { a: 1 }).message).toBe('redisStore: `prefix` must be a string; got an object.');
    expect(invalidOption('type', 'startInboxWorker', 'inbox', 'an inbox from pgBossInbox() or bullmqInbox()').message).toBe(
      'startInboxWorker: `inbox` must be an inbox from pgBossInbox() or bullmqInbox().',
    );
    expect(optionMessage('catchUp', 'since', 'a time in the past', new Date(Date.UTC(2030, 0, 1)))).toBe('catchUp: `since` must be a time in the past; got 2030-01-01T00:00:00.000Z.');
    expect(optionMessage('x', 'since', 'a valid Date', new Date('nope'))).toBe('x: `since` must be a valid Date; got an invalid Date.');
  });

  it('takes the default when the option is absent, and refuses what is out of range', () => {
    expect(positiveMs('x', 'leaseMs', undefined, defaults.leaseMs)).toBe(60_000);
    expect(positiveMs('x', 'timeoutMs', Infinity, 1, { infinite: true })).toBe(Infinity);
    expect(() => positiveMs('x', 'leaseMs', Infinity, 1)).toThrow('x: `leaseMs` must be a positive number of milliseconds; got Infinity.');
    expect(() => positiveMs('x', 'leaseMs', Number.NaN, 1)).toThrow(RangeError);
    expect(() => positiveMs('x', 'leaseMs', '5' as never, 1)).toThrow('got "5"');
    expect(wholeNumber('x', 'concurrency', undefined, 1)).toBe(1);
    expect(() => wholeNumber('x', 'concurrency', 1.5, 1)).toThrow('x: `concurrency` must be a positive integer; got 1.5.');
    expect(() => wholeNumber('x', 'limit', -1, 8, 0)).toThrow('must be a whole number of at least 0; got -1');
    expect(timerMs('x', 'bodyTimeoutMs', undefined, defaults.bodyTimeoutMs)).toBe(10_000);
    expect(() => timerMs('x', 'bodyTimeoutMs', 2 ** 31, 1)).toThrow('x: `bodyTimeoutMs` must be a whole number of milliseconds from 1 to 2147483647; got 2147483648.');
  });
});

// Each entry point refuses a bad option when it is built, with its own class and code where it
// has one, and the message shape of the policy above.
const router = createWebhookRouter();
const stripe = new Stripe('sk_test_options', { maxNetworkRetries: 0 });
// Built, never started: the options are checked before the engine is used.
const boss = new (await loadPgBoss(10))({ connectionString: 'postgres://127.0.0.1:1/never' });

describe.each([
  ['memoryStore', () => memoryStore({ maxEntries: 0 }), RangeError, undefined, 'memoryStore: `maxEntries` must be a positive integer; got 0.'],
  ['postgresStore', () => postgresStoreSchema('a b'), TypeError, undefined, /^postgresStore: `table` must be letters, digits and underscores .*; got "a b"\.$/],
  ['createWebhookHandler', () => createWebhookHandler({ secret, router, apiVersion: 'latest' }), TypeError, undefined, /^createWebhookHandler: `apiVersion` must be a Stripe API version such as '2026-10-28\.endive' .*; got "latest"\.$/],
  ['createWebhookHandler router', () => createWebhookHandler({ secret } as never), TypeError, undefined, 'createWebhookHandler: `router` must be a router from `createWebhookRouter()`; got undefined.'],
  ['createHealthHandler', () => createHealthHandler({ inbox: undefined as never }), TypeError, undefined, 'createHealthHandler: `inbox` must be the inbox of pgBossInbox(...) or bullmqInbox(...); got undefined.'],
  ['router.on type', () => router.on('' as never, () => {}), TypeError, undefined, 'router.on: `type` must be an event type such as "checkout.session.completed"; got "".'],
  ['router.onAny handler', () => router.onAny(undefined as never), TypeError, undefined, 'router.onAny: `handler` must be a function; got undefined.'],
  ['signPayload', () => signPayload({} as never, secret), TypeError, undefined, /^signPayload: `payload` must be the exact string that will be sent as the body .*; got an object\.$/],
  ['stripeWebhookMiddleware', () => stripeWebhookMiddleware({ secret, router, bodyTimeoutMs: 0 }), RangeError, undefined, /^stripeWebhookMiddleware: `bodyTimeoutMs` must be .*; got 0\.$/],
  ['createConsoleHandler', () => createConsoleHandler({ inbox: undefined as never }), ConsoleError, 'console_invalid_options', /^createConsoleHandler: `inbox` must be the inbox of pgBossInbox\(\.\.\.\) or bullmqInbox\(\.\.\.\); got undefined\.$/],
  ['pgBossInbox', () => pgBossInbox(boss, { retry: { limit: -1 } }), InboxError, 'invalid_options', 'pgBossInbox: `retry.limit` must be a whole number of retries (0 or more); got -1.'],
  ['inbox.list', () => resolveFilter({ limit: 0 }), InboxError, 'invalid_options', 'inbox.list: `limit` must be an integer from 1 to 1000; got 0.'],
  ['startInboxWorker', () => startInboxWorker({ inbox: {} as never, router }), TypeError, undefined, 'startInboxWorker: `inbox` must be an inbox made by pgBossInbox() or bullmqInbox(); got an object.'],
])('%s', (_entry, build, errorClass, code, message) => {
  it('refuses a bad option with its class, code and message', () => {
    expect(build).toThrow(errorClass);
    expect(build).toThrow(message);
    if (code !== undefined) expect(build).toThrow(expect.objectContaining({ code }));
  });
});

describe.each([
  ['catchUp', () => catchUp({ stripe, since: 'soon', dryRun: true }), CatchUpError, 'invalid_since', /^catchUp: `since` must be a Date, Unix seconds, .*; got "soon"\.$/],
  ['catchUp stripe', () => catchUp({ stripe: {} as never, since: '1h', dryRun: true }), CatchUpError, 'invalid_options', 'catchUp: `stripe` must be a stripe-node client: new Stripe(key); got an object.'],
  ['checkEndpoints', () => checkEndpoints({ stripe: undefined as never, types: [] }), CatchUpError, 'invalid_options', 'checkEndpoints: `stripe` must be a stripe-node client: new Stripe(key); got undefined.'],
  [
    'simulateDeliveries',
    () => simulateDeliveries({ url: 'http://127.0.0.1:9/v1/webhook', secret, events: [createTestEvent('checkout.session.completed')], duplicates: 2 }),
    SimulationError,
    'invalid_option',
    'simulateDeliveries: `duplicates` must be a share between 0 and 1, such as 0.3; got 2.',
  ],
])('%s', (_entry, run, errorClass, code, message) => {
  it('rejects a bad option with its class, code and message', async () => {
    const error = await run().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(errorClass.is(error)).toBe(true);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message instanceof RegExp ? message : `^${escape(message)}$`) });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
