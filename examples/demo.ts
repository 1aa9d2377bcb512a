// `npm run demo`: the order flow of examples/express-orders, end to end and offline. Starts the
// app on a free port with PGlite, creates orders over HTTP, and plays Stripe's part with the
// built CLI (dist/cli.js), then checks that every order ended where it should. Then the same shop
// with its durable inbox (INBOX=1) and a shipping API that is slow, then down: answered at once,
// retried, dead-lettered, fixed and replayed from the operator console.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCliBuilt, runCli, type CliResult, type Delivery } from './demo/cli.js';
import { consoleRequested, keepConsoleOpen } from './demo/console.js';
import { demoDeadlineMs } from './demo/deadline.js';
import { eventStatus, replayFromConsole, waitFor } from './demo/console-client.js';
import { printOrders, type OrderRow } from './demo/print-orders.js';
import { startShippingApi } from './demo/shipping-api.js';
import { startApp, type RunningApp } from './demo/start-app.js';

// Any whsec_ value: the app verifies with it and the CLI signs with it, no Stripe account needed.
const secret = 'whsec_demo_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const deadline = setTimeout(() => fail(`the demo took longer than ${demoDeadlineMs / 1000} s`), demoDeadlineMs).unref();

assertCliBuilt();
const workDir = await mkdtemp(join(tmpdir(), 'stripe-webhook-kit-demo-'));
console.log('Starting examples/express-orders (PGlite, no Stripe API key) ...');
let app: RunningApp = await startApp('express-orders', secret);
let endpoint = `${app.baseUrl}/v1/webhook`;
console.log(`listening on ${app.baseUrl}; webhook endpoint ${endpoint}`);
console.log('Each command below also gets --forward-to <endpoint> --json; STRIPE_WEBHOOK_SECRET holds the secret.');

const outcomes: Array<{ name: string; problems: string[] }> = [];
try {
  await scenario('Card payment: completed, paid', async (expect) => {
    const order = await createOrder('ada@example.com');
    await trigger('checkout.session.completed', order.id, ['--payment-status', 'paid']);
    await expectOrder(expect, order.id, 'paid', { fulfilled: true });
  });

  await scenario('Bank debit that succeeds: completed (unpaid), then async_payment_succeeded', async (expect) => {
    const order = await createOrder('grace@example.com');
    await trigger('checkout.session.completed', order.id, ['--payment-status', 'unpaid']);
    await expectOrder(expect, order.id, 'awaiting_payment', { fulfilled: false });
    await trigger('checkout.session.async_payment_succeeded', order.id);
    await expectOrder(expect, order.id, 'paid', { fulfilled: true });
  });

  await scenario('Bank debit that fails: completed (unpaid), then async_payment_failed', async (expect) => {
    const order = await createOrder('alan@example.com');
    await trigger('checkout.session.completed', order.id, ['--payment-status', 'unpaid']);
    await expectOrder(expect, order.id, 'awaiting_payment', { fulfilled: false });
    await trigger('checkout.session.async_payment_failed', order.id);
    await expectOrder(expect, order.id, 'payment_failed', { fulfilled: false });
  });

  await scenario('Duplicate delivery: the same event replayed', async (expect) => {
    const order = await createOrder('barbara@example.com');
    // Relative to the CLI's working directory, a temporary one.
    await trigger('checkout.session.completed', order.id, ['--payment-status', 'paid', '--save', 'events.jsonl']);
    const before = await getOrder(order.id);
    const replayed = await cli(['replay', 'events.jsonl'], 'replay events.jsonl');
    expect(replayed.code === 0, `replay exited with ${replayed.code}`);
    expect(replayed.deliveries[0]?.response === '{"received":true,"duplicate":true}', 'the replay was not answered as a duplicate');
    const after = await getOrder(order.id);
    expect(JSON.stringify(after) === JSON.stringify(before), 'the replay changed the order');
    const fulfilled = await fulfillmentsOf(order.id);
    expect(fulfilled === 1, `the order was fulfilled ${fulfilled} times`);
    console.log(`   order ${order.id}: still ${after.status}, fulfilled once`);
  });

  await scenario('Out of order: async_payment_succeeded before completed (unpaid)', async (expect) => {
    const order = await createOrder('edsger@example.com');
    await trigger('checkout.session.async_payment_succeeded', order.id);
    await trigger('checkout.session.completed', order.id, ['--payment-status', 'unpaid']);
    await expectOrder(expect, order.id, 'paid', { fulfilled: true });
  });

  await scenario('Tampered signature and wrong secret: refused with 400', async (expect) => {
    const order = await createOrder('mallory@example.com');
    const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'checkout.session.completed', data: { object: { id: 'cs_forged', object: 'checkout.session', metadata: { orderId: order.id }, payment_status: 'paid' } } });
    const signed = await cli(['sign', '-'], 'sign - < forged-event.json', payload);
    // Flip the last hex digit of the signature, as an attacker guessing it would.
    const header = signed.stdout.trim().replace(/.$/, (digit) => (digit === '0' ? '1' : '0'));
    const started = performance.now();
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
    printDelivery({ eventType: 'checkout.session.completed', eventId: 'evt_forged', status: response.status, ok: response.ok, latencyMs: performance.now() - started, response: await response.text() }, 'POST with the signature altered');
    expect(response.status === 400, `a tampered signature got ${response.status}`);

    const wrong = await cli(['trigger', 'checkout.session.completed', '--metadata', `orderId=${order.id}`, '--secret', 'whsec_not_this_endpoints_secret'], `trigger checkout.session.completed --metadata orderId=${order.id} --secret whsec_not_this_endpoints_secret`);
    expect(wrong.code === 1 && wrong.deliveries[0]?.status === 400, 'a delivery signed with another secret was not refused with 400 (exit 1)');
    await expectOrder(expect, order.id, 'pending', { fulfilled: false });
  });

  console.log('\nOrders');
  printOrders(((await (await fetch(`${app.baseUrl}/orders`)).json()) as { orders: OrderRow[] }).orders);
  await app.stop();

  const slowMs = 3000;
  const shipping = await startShippingApi(slowMs);
  console.log('\nThe same shop with its durable inbox (INBOX=1: pg-boss on PGlite, a worker in the process),');
  console.log(`shipping each paid order through a shipping API at ${shipping.url} ...`);
  // Retries 1 s, then 2 s apart (the example's default is twice that): real retries, a shorter wait.
  app = await startApp('express-orders', secret, { INBOX: '1', INBOX_RETRY_DELAY_SECONDS: '1', SHIPPING_API_URL: shipping.url });
  endpoint = `${app.baseUrl}/v1/webhook`;
  console.log(`listening on ${app.baseUrl}; operator console at ${app.baseUrl}/console/`);
  try {
    await scenario(`Slow shipping (${slowMs / 1000} s): answered at once, shipped after`, async (expect) => {
      const order = await createOrder('katherine@example.com');
      shipping.slow.add(order.id);
      const [delivery] = (await trigger('checkout.session.completed', order.id, ['--payment-status', 'paid'])).deliveries;
      expect(delivery?.response === '{"received":true,"queued":true}', 'the delivery was not answered as queued');
      expect((delivery?.latencyMs ?? Infinity) < slowMs, `the answer took ${delivery?.latencyMs.toFixed(0)} ms, as long as the shipping`);
      const paid = await waitFor(async () => (await getOrder(order.id)).status === 'paid', 30_000);
      expect(paid, 'the worker did not mark the order paid');
      await expectOrder(expect, order.id, 'paid', { fulfilled: true });
      expect(shipping.shipped.filter((id) => id === order.id).length === 1, 'the order was not shipped exactly once');
    });

    await scenario('Shipping API down: retried, dead-lettered, fixed, replayed from the console', async (expect) => {
      shipping.down = true;
      const order = await createOrder('margaret@example.com');
      const [delivery] = (await trigger('checkout.session.completed', order.id, ['--payment-status', 'paid'])).deliveries;
      const eventId = delivery?.eventId ?? '';
      expect(delivery?.response === '{"received":true,"queued":true}', 'the delivery was not answered as queued');
      // The example retries twice, 1 s then 2 s apart here, before the event is dead.
      const dead = await waitFor(async () => (await eventStatus(app.baseUrl, eventId)) === 'dead', 45_000);
      expect(dead, `event ${eventId} is ${await eventStatus(app.baseUrl, eventId)}, expected dead after its retries`);
      console.log(`   GET /console/events/${eventId} -> dead (its retries ran out; the console shows each attempt's error)`);
      await expectOrder(expect, order.id, 'pending', { fulfilled: false });

      shipping.down = false;
      const replayed = await replayFromConsole(app.baseUrl, eventId);
      console.log(`   shipping API back up; POST /console/replay id=${eventId} -> re-queued ${replayed}`);
      expect(replayed === 1, `the console re-queued ${replayed} events`);
      const done = await waitFor(async () => (await eventStatus(app.baseUrl, eventId)) === 'done', 30_000);
      expect(done, `event ${eventId} did not end done after the replay`);
      await expectOrder(expect, order.id, 'paid', { fulfilled: true });
      expect(shipping.shipped.filter((id) => id === order.id).length === 1, 'the order was not shipped exactly once');
    });

    console.log('\nOrders');
    printOrders(((await (await fetch(`${app.baseUrl}/orders`)).json()) as { orders: OrderRow[] }).orders);
    if (consoleRequested) {
      clearTimeout(deadline); // the person at the console decides when it ends
      await keepConsoleOpen(app);
    }
  } finally {
    await shipping.close();
  }
} finally {
  await app.stop();
  await rm(workDir, { recursive: true, force: true });
  clearTimeout(deadline);
}

const failed = outcomes.filter((outcome) => outcome.problems.length > 0);
if (failed.length > 0) {
  console.log(`\n${failed.length} of ${outcomes.length} scenarios did not end as expected. The app's log:\n${app.log()}`);
  process.exitCode = 1;
} else {
  console.log(`\nAll ${outcomes.length} scenarios ended as expected.`);
}

type Expect = (condition: boolean, problem: string) => void;

async function scenario(name: string, body: (expect: Expect) => Promise<void>): Promise<void> {
  console.log(`\n${outcomes.length + 1}. ${name}`);
  const problems: string[] = [];
  try {
    await body((condition, problem) => {
      if (!condition) problems.push(problem);
    });
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  outcomes.push({ name, problems });
  console.log(problems.length === 0 ? '   PASS' : `   FAIL: ${problems.join('; ')}`);
}

async function createOrder(email: string): Promise<OrderRow> {
  const response = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 2000, email }) });
  if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}`);
  const { order } = (await response.json()) as { order: OrderRow };
  console.log(`   POST /orders -> ${order.id} (${order.status})`);
  return order;
}

async function getOrder(id: string): Promise<OrderRow> {
  return ((await (await fetch(`${app.baseUrl}/orders/${id}`)).json()) as { order: OrderRow }).order;
}

async function expectOrder(expect: Expect, id: string, status: string, { fulfilled }: { fulfilled: boolean }): Promise<void> {
  const order = await getOrder(id);
  console.log(`   GET /orders/${id} -> ${order.status}${order.fulfilled_at ? ', fulfilled' : ''}`);
  expect(order.status === status, `order ${id} is ${order.status}, expected ${status}`);
  expect((order.fulfilled_at !== null) === fulfilled, `order ${id} ${fulfilled ? 'was not' : 'was'} fulfilled`);
}

/** How many times the app logged fulfilling the order (its log comes through a pipe: wait for it). */
async function fulfillmentsOf(orderId: string): Promise<number> {
  const count = () => app.log().split('\n').filter((line) => line.startsWith(`fulfilling order ${orderId}:`)).length;
  for (let attempt = 0; attempt < 40 && count() === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  return count();
}

/** `trigger <type> --metadata orderId=<id>`, expecting every delivery to get a 2xx. */
async function trigger(type: string, orderId: string, extra: string[] = []): Promise<CliResult> {
  const args = ['trigger', type, ...extra, '--metadata', `orderId=${orderId}`];
  const result = await cli(args, args.join(' '));
  if (result.code !== 0) throw new Error(`stripe-webhook-kit ${args.join(' ')} exited with ${result.code}`);
  return result;
}

async function cli(args: string[], shown: string, input?: string): Promise<CliResult> {
  console.log(`   $ stripe-webhook-kit ${shown}`);
  const forwarding = args[0] === 'sign' ? [] : ['--forward-to', endpoint, '--json'];
  const result = await runCli([...args, ...forwarding], { env: { STRIPE_WEBHOOK_SECRET: secret, NO_COLOR: '1' }, cwd: workDir, input });
  for (const delivery of result.deliveries) printDelivery(delivery);
  if (result.stderr.trim() !== '') console.log(`     ${result.stderr.trim()}`);
  return result;
}

function printDelivery(delivery: Delivery, label?: string): void {
  const latency = `${delivery.latencyMs.toFixed(1)} ms`;
  console.log(`     ${label ? `${label}: ` : ''}${delivery.status}  ${delivery.eventType}  ${delivery.eventId}  ${latency}  ${delivery.response}`);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
