// The Nest adapter smoke test for one Nest major, run by smoke-entry.mjs / smoke-entry.cjs (which
// run.sh copies into <major>/node_modules/.smoke/) against the packed tarball installed there.
// Plain JS with decorators applied as functions, so no compiler (and no decorator metadata) is
// involved. It boots an app with two endpoints (account and Connect), a global prefix, a global
// guard, interceptor and exception filter, on Express and Fastify, with and without
// `{ rawBody: true }`, through NestFactory and through @nestjs/testing, sends signed deliveries
// over real HTTP; then runs StripeInboxWorkerModule in an application context on a BullMQ inbox
// (smoke-worker.mjs). It exits non-zero on any mismatch.
//
// This file imports no package: each major's entry passes in the modules it resolved from its
// own node_modules, so that two Nest majors are never mixed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { checks, decorate, report } from './smoke-checks.mjs';
import { runWorkerCase } from './smoke-worker.mjs';

const secret = 'whsec_nest_matrix_smoke_0123456789';
const connectSecret = 'whsec_nest_matrix_connect_9876543210';

/**
 * @param {object} nest
 * @param {string} nest.label e.g. "Nest 12.5.1"
 * @param {number} nest.major e.g. 12
 * @param {typeof import('rxjs')} nest.rxjs
 * @param {typeof import('@nestjs/common')} nest.common
 * @param {typeof import('@nestjs/core')} nest.core
 * @param {typeof import('@nestjs/testing')} nest.testing
 * @param {{ express: () => object, fastify: () => object }} nest.adapters
 * @param {typeof import('stripe-webhook-kit/nest')} nest.kitNest
 * @param {typeof import('stripe-webhook-kit')} nest.kit
 * @param {typeof import('stripe-webhook-kit/testing')} nest.kitTesting
 * @param {typeof import('stripe-webhook-kit/bullmq')} nest.kitBullmq
 * @param {typeof import('bullmq')} nest.bullmq
 * @param {typeof import('ioredis').Redis} nest.Redis
 */
export async function runSmoke(nest) {
  const app = appClasses(nest);
  let failed = 0;
  for (const platform of ['express', 'fastify']) {
    for (const rawBody of [false, true]) {
      for (const boot of ['NestFactory', '@nestjs/testing']) {
        const label = `${nest.label} | ${platform} | rawBody ${rawBody ? 'on' : 'off'} | ${boot}`;
        if (!(await report(label, () => runCase(nest, app, { platform, rawBody, boot })))) failed++;
      }
    }
  }
  if (!(await report(`${nest.label} | StripeInboxWorkerModule | application context | BullMQ`, () => runWorkerCase(nest)))) failed++;
  console.log(failed === 0 ? `${nest.label}: all cases passed` : `${nest.label}: ${failed} case(s) failed`);
  if (failed > 0) process.exitCode = 1;
}

/**
 * Runs the guide's app (docs/nestjs.md, kept as guide-app.ts, which run.sh compiles with tsc's
 * decorator metadata, as a user's build would) as its own process, and sends it deliveries.
 */
export async function runGuideApp({ label, kitTesting, file }) {
  const name = `${label} | docs/nestjs.md app, compiled by tsc`;
  const child = spawn(process.execPath, [fileURLToPath(file)], { env: { ...process.env, PORT: '0', STRIPE_WEBHOOK_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise((resolve, reject) => {
      let output = '';
      const collect = (chunk) => {
        output += chunk;
        const match = /listening on \S*:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('exit', (code) => reject(new Error(`the snippet exited with ${code}:\n${output}`)));
    });
    const url = `http://127.0.0.1:${port}/api/v1/webhook`;
    const event = kitTesting.createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_guide' } } } });
    const paid = kitTesting.createSignedRequest(event, secret);
    const answers = [await send(url, paid), await send(url, paid), await send(url, { ...paid, headers: { ...paid.headers, 'stripe-signature': 't=1,v1=00' } })];
    const expected = [
      { status: 200, json: { received: true } },
      { status: 200, json: { received: true, duplicate: true } },
      { status: 400, json: { error: 'no_matching_signature' } },
    ];
    if (isDeepStrictEqual(answers, expected)) {
      console.log(`ok   ${name}: ${expected.length} checks`);
    } else {
      console.log(`FAIL ${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(answers)}`);
      process.exitCode = 1;
    }
  } catch (error) {
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
    process.exitCode = 1;
  } finally {
    child.kill();
  }
}

/** The app a user would write, with decorators called as functions. */
function appClasses({ common, kitNest, kit }) {
  const { Injectable, Inject, Module, Controller, Post, Body, Req, UseGuards } = common;
  const { StripeWebhookModule, OnStripeEvent, OnCheckoutPaid, InjectStripeWebhookRouter } = kitNest;

  class Ledger {
    paid = [];
    settled = [];
    fulfilled = [];
    connect = [];
    enhancers = [];
    connectErrors = [];
  }
  Injectable()(Ledger);

  class Orders {
    constructor(ledger) {
      this.ledger = ledger;
    }
    completed(event, ctx) {
      if (ctx.eventId !== event.id) throw new Error('the context is not the event\'s');
      this.ledger.paid.push(kit.orderReference(event.data.object));
    }
    settled(event) {
      this.ledger.settled.push(event.type);
    }
    fulfil(session, event, ctx) {
      if (ctx.eventId !== event.id) throw new Error('the context is not the event\'s');
      this.ledger.fulfilled.push(kit.orderReference(session));
    }
    connectOnly(event) {
      this.ledger.connect.push(event.account);
    }
    refunded() {
      throw new kit.NonRetryableError('refund for an order this app never sold');
    }
    failing() {
      throw new Error(`mailer down (secret ${secret})`);
    }
  }
  Injectable()(Orders);
  Inject(Ledger)(Orders, undefined, 0);
  decorate(OnStripeEvent('checkout.session.completed'), Orders, 'completed');
  decorate(OnStripeEvent(['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed']), Orders, 'settled');
  decorate(OnCheckoutPaid(), Orders, 'fulfil');
  decorate(OnStripeEvent('customer.created', { endpoint: 'connect' }), Orders, 'connectOnly');
  decorate(OnStripeEvent('charge.refunded'), Orders, 'refunded');
  decorate(OnStripeEvent('invoice.payment_failed'), Orders, 'failing');

  /** The Connect endpoint's router, through its own token. */
  class ConnectAlerts {
    constructor(ledger, router) {
      router.onError((_error, event) => ledger.connectErrors.push(event.type));
    }
  }
  Injectable()(ConnectAlerts);
  Inject(Ledger)(ConnectAlerts, undefined, 0);
  InjectStripeWebhookRouter('connect')(ConnectAlerts, undefined, 1);

  class Echo {
    echo(body, request) {
      return { parsed: body, rawBody: request.rawBody instanceof Uint8Array };
    }
  }
  Controller('echo')(Echo);
  decorate(Post(), Echo, 'echo');
  Body()(Echo.prototype, 'echo', 0);
  Req()(Echo.prototype, 'echo', 1);

  /** For the Connect route alone: only a known client gets through. */
  class AllowList {
    canActivate(context) {
      return context.switchToHttp().getRequest().headers['x-client'] === 'stripe';
    }
  }

  class StripeConfig {
    webhookSecret = secret;
  }
  class ConfigModule {}
  Module({ providers: [{ provide: StripeConfig, useValue: new StripeConfig() }], exports: [StripeConfig] })(ConfigModule);

  /** forRootAsync with an injected config provider, or forRoot; and a named Connect endpoint. */
  const appModule = (async) => {
    class AppModule {}
    const webhook = async
      ? StripeWebhookModule.forRootAsync({ imports: [ConfigModule], inject: [StripeConfig], useFactory: (config) => ({ secret: config.webhookSecret, maxBodyBytes: 65_536, logger: false }) })
      : StripeWebhookModule.forRoot({ secret, maxBodyBytes: 65_536, logger: false });
    const connect = StripeWebhookModule.forRoot({ name: 'connect', path: 'connect/webhook', secret: connectSecret, logger: false, decorators: [UseGuards(AllowList)] });
    Module({ imports: [webhook, connect], controllers: [Echo], providers: [Ledger, Orders, ConnectAlerts] })(AppModule);
    return AppModule;
  };
  return { Ledger, appModule };
}

/** The app's own enhancers, applied globally in main.ts: they run for the webhook too. */
function enhancers({ common, rxjs }, ledger) {
  const { Catch } = common;
  const pathOf = (context) => {
    const request = context.switchToHttp().getRequest();
    return (request.raw?.url ?? request.url).split('?')[0];
  };
  const guard = { canActivate: (context) => (ledger.enhancers.push(`guard ${pathOf(context)}`), true) };
  const interceptor = {
    intercept(context, next) {
      ledger.enhancers.push(`interceptor ${pathOf(context)}`);
      return next.handle().pipe(rxjs.map((data) => ({ data, wrapped: true })));
    },
  };
  // Answers every error that is not an HTTP one with 200, as some apps do: the webhook's failures
  // must stay 5xx.
  class SwallowingFilter {
    catch(error, host) {
      const response = host.switchToHttp().getResponse();
      const status = typeof error?.getStatus === 'function' ? error.getStatus() : 200;
      const body = JSON.stringify(status === 200 ? { swallowed: true } : { statusCode: status });
      if (typeof response.code === 'function') response.code(status).header('content-type', 'application/json').send(body);
      else response.status(status).type('json').send(body);
    }
  }
  Catch()(SwallowingFilter);
  return { guard, interceptor, filter: new SwallowingFilter() };
}

async function runCase(nest, { Ledger, appModule }, { platform, rawBody, boot }) {
  const adapter = nest.adapters[platform]();
  let app;
  if (boot === 'NestFactory') {
    app = await nest.core.NestFactory.create(appModule(true), adapter, { rawBody, logger: false, abortOnError: false });
  } else {
    const moduleRef = await nest.testing.Test.createTestingModule({ imports: [appModule(false)] }).setLogger(silent).compile();
    app = moduleRef.createNestApplication(adapter, { rawBody, logger: false });
  }
  try {
    const ledger = app.get(Ledger);
    const { guard, interceptor, filter } = enhancers(nest, ledger);
    app.setGlobalPrefix('api');
    app.useGlobalGuards(guard).useGlobalInterceptors(interceptor).useGlobalFilters(filter);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address();
    const origin = `http://127.0.0.1:${port}`;
    const webhook = `${origin}/api/v1/webhook`;
    const { result, check } = checks();
    const { createTestEvent, createSignedRequest } = nest.kitTesting;
    const delivery = (type, overrides, signWith = secret) => createSignedRequest(createTestEvent(type, overrides), signWith);
    const paid = delivery('checkout.session.completed', { data: { object: { payment_status: 'paid', metadata: { orderId: 'o_1' } } } });

    if (nest.major === 10 && boot === '@nestjs/testing' && platform === 'express' && !rawBody) {
      // Documented (docs/nestjs.md): Nest 10 gives a testing app's HTTP adapter to no one before
      // its JSON parser, so such an app needs { rawBody: true }; without it the answer says so.
      check('documented: Nest 10 testing app on Express needs rawBody', await send(webhook, paid), { status: 500, json: { error: 'body_not_raw' } });
      return result;
    }

    check('200 handled, under the global prefix', await send(webhook, paid), { status: 200, json: { received: true } });
    check('200 duplicate', await send(webhook, paid), { status: 200, json: { received: true, duplicate: true } });
    check('handler ran once, with DI', ledger.paid, ['o_1']);
    check('@OnCheckoutPaid ran with (session, event, ctx)', ledger.fulfilled, ['o_1']);
    check('array of types', await send(webhook, delivery('checkout.session.async_payment_failed')), { status: 200, json: { received: true } });
    check('array handler ran', ledger.settled, ['checkout.session.async_payment_failed']);
    check('200 discarded', await send(webhook, delivery('charge.refunded')), { status: 200, json: { received: true, discarded: true } });
    check('500 handler_failed, though a global filter answers 200 to errors', await send(webhook, delivery('invoice.payment_failed')), { status: 500, json: { error: 'handler_failed' } });
    check('400 bad signature', await send(webhook, delivery('customer.created', undefined, 'whsec_someone_else')), { status: 400, json: { error: 'no_matching_signature' } });
    check('405 GET', await send(webhook, { headers: {} }, 'GET'), { status: 405, json: { error: 'method_not_allowed' } });
    // Over maxBodyBytes (64 KiB), under Nest's JSON limit (100 KB), which applies where Nest's
    // parser reads the body first (see the case above).
    const big = delivery('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_big', note: 'x'.repeat(70_000) } } } });
    check('413 over maxBodyBytes', await send(webhook, big), { status: 413, json: { error: 'payload_too_large' } });
    check('not outside the global prefix', (await send(`${origin}/v1/webhook`, paid)).status, 404);
    check('global guard and interceptor ran for the webhook', ledger.enhancers.slice(0, 2), ['guard /api/v1/webhook', 'interceptor /api/v1/webhook']);
    const echo = { body: '{"a":1}', headers: { 'content-type': 'application/json' } };
    check('other routes keep JSON, wrapped by the interceptor', await send(`${origin}/api/echo`, echo, 'POST', false), { status: 201, json: { data: { parsed: { a: 1 }, rawBody }, wrapped: true } });

    const connectUrl = `${origin}/api/connect/webhook`;
    const connectEvent = delivery('customer.created', { account: 'acct_1' }, connectSecret);
    const allowed = { 'x-client': 'stripe' };
    check('Connect endpoint: its route guard refuses an unknown client', (await send(connectUrl, connectEvent)).status, 403);
    check('Connect endpoint: 200 with its own secret', await send(connectUrl, { ...connectEvent, headers: { ...connectEvent.headers, ...allowed } }), { status: 200, json: { received: true } });
    check('Connect endpoint: { endpoint: "connect" } handler ran there only', ledger.connect, ['acct_1']);
    check('Connect endpoint: the account secret is refused', await send(connectUrl, { ...paid, headers: { ...paid.headers, ...allowed } }), { status: 400, json: { error: 'no_matching_signature' } });
    check('account endpoint: the Connect secret is refused', await send(webhook, connectEvent), { status: 400, json: { error: 'no_matching_signature' } });
    const connectFailure = delivery('invoice.payment_failed', undefined, connectSecret);
    await send(connectUrl, { ...connectFailure, headers: { ...connectFailure.headers, ...allowed } });
    check('Connect endpoint: its router token reached its onError', ledger.connectErrors, ['invoice.payment_failed']);
    return result;
  } finally {
    await app.close();
  }
}

/** Posts (or GETs) and reads the JSON answer; a webhook answer must not leak anything. */
async function send(url, { body, headers }, method = 'POST', isWebhook = true) {
  const response = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
  const text = await response.text();
  if (isWebhook && response.status !== 404) {
    for (const leak of [secret, 'Error:', '    at ', ...(body ? [body.slice(0, 200)] : [])]) {
      if (text.includes(leak)) throw new Error(`a response body leaks ${JSON.stringify(leak.slice(0, 40))}`);
    }
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return response.status === 404 ? { status: 404, json: undefined } : { status: response.status, json };
}

const silent = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };
