// The Nest adapter smoke test for one Nest major, run from test/nest-matrix/<major>/smoke.mjs
// against the packed tarball installed there. Plain JS with decorators applied as functions, so
// no compiler (and no decorator metadata) is involved. It boots the app on Express and Fastify,
// with and without `{ rawBody: true }`, through NestFactory and through @nestjs/testing, sends
// signed deliveries over real HTTP, and exits non-zero on any mismatch.
//
// This file imports no package: each major's entry passes in the modules it resolved from its
// own node_modules, so that two Nest majors are never mixed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const secret = 'whsec_nest_matrix_smoke_0123456789';

/**
 * @param {object} nest
 * @param {string} nest.label e.g. "Nest 12.5.1"
 * @param {typeof import('@nestjs/common')} nest.common
 * @param {typeof import('@nestjs/core')} nest.core
 * @param {typeof import('@nestjs/testing')} nest.testing
 * @param {{ express: () => object, fastify: () => object }} nest.adapters
 * @param {typeof import('stripe-webhook-kit/nest')} nest.kitNest
 * @param {typeof import('stripe-webhook-kit')} nest.kit
 * @param {typeof import('stripe-webhook-kit/testing')} nest.kitTesting
 */
export async function runSmoke(nest) {
  const app = appClasses(nest);
  let failed = 0;
  for (const platform of ['express', 'fastify']) {
    for (const rawBody of [false, true]) {
      for (const boot of ['NestFactory', '@nestjs/testing']) {
        const label = `${nest.label} | ${platform} | rawBody ${rawBody ? 'on' : 'off'} | ${boot}`;
        const result = await runCase(nest, app, { platform, rawBody, boot }).catch((error) => ({ passed: 0, failures: [`threw ${error?.stack ?? error}`] }));
        if (result.failures.length === 0) {
          console.log(`ok   ${label}: ${result.passed} checks`);
        } else {
          failed++;
          for (const failure of result.failures) console.log(`FAIL ${label}: ${failure}`);
        }
      }
    }
  }
  console.log(failed === 0 ? `${nest.label}: all cases passed` : `${nest.label}: ${failed} case(s) failed`);
  if (failed > 0) process.exitCode = 1;
}

/**
 * Runs the README's Nest snippet (test/docs/snippets/nest.ts, which run.sh compiles with tsc's
 * decorator metadata, as a user's build would) as its own process, and sends it deliveries.
 */
export async function runReadmeSnippet({ label, kitTesting, file }) {
  const name = `${label} | README snippet, compiled by tsc`;
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
    const url = `http://127.0.0.1:${port}/v1/webhook`;
    const event = kitTesting.createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_readme' } } } });
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
  const { Injectable, Inject, Module, Controller, Post, Body, Req } = common;
  const { StripeWebhookModule, OnStripeEvent } = kitNest;
  const decorate = (decorator, Class, name) => {
    const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, name);
    const replaced = decorator(Class.prototype, name, descriptor);
    if (replaced) Object.defineProperty(Class.prototype, name, replaced);
  };

  class Ledger {
    paid = [];
    settled = [];
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
  decorate(OnStripeEvent('charge.refunded'), Orders, 'refunded');
  decorate(OnStripeEvent('invoice.payment_failed'), Orders, 'failing');

  class Echo {
    echo(body, request) {
      return { parsed: body, rawBody: request.rawBody instanceof Uint8Array };
    }
  }
  Controller('echo')(Echo);
  decorate(Post(), Echo, 'echo');
  Body()(Echo.prototype, 'echo', 0);
  Req()(Echo.prototype, 'echo', 1);

  class StripeConfig {
    webhookSecret = secret;
  }
  class ConfigModule {}
  Module({ providers: [{ provide: StripeConfig, useValue: new StripeConfig() }], exports: [StripeConfig] })(ConfigModule);

  /** forRootAsync with an injected config provider, or forRoot. */
  const appModule = (async) => {
    class AppModule {}
    const webhook = async
      ? StripeWebhookModule.forRootAsync({ imports: [ConfigModule], inject: [StripeConfig], useFactory: (config) => ({ secret: config.webhookSecret, maxBodyBytes: 65_536, logger: false }) })
      : StripeWebhookModule.forRoot({ secret, maxBodyBytes: 65_536, logger: false });
    Module({ imports: [webhook], controllers: [Echo], providers: [Ledger, Orders] })(AppModule);
    return AppModule;
  };
  return { Ledger, appModule };
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
    app.setGlobalPrefix('api');
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address();
    const origin = `http://127.0.0.1:${port}`;
    const webhook = `${origin}/v1/webhook`;
    const ledger = app.get(Ledger);
    const result = { passed: 0, failures: [] };
    const check = (name, actual, expected) => {
      if (isDeepStrictEqual(actual, expected)) result.passed++;
      else result.failures.push(`${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    };
    const { createTestEvent, createSignedRequest } = nest.kitTesting;
    const delivery = (type, overrides, signWith = secret) => createSignedRequest(createTestEvent(type, overrides), signWith);

    const paid = delivery('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } });
    check('200 handled', await send(webhook, paid), { status: 200, json: { received: true } });
    check('200 duplicate', await send(webhook, paid), { status: 200, json: { received: true, duplicate: true } });
    check('handler ran once, with DI', ledger.paid, ['o_1']);
    check('array of types', await send(webhook, delivery('checkout.session.async_payment_failed')), { status: 200, json: { received: true } });
    check('array handler ran', ledger.settled, ['checkout.session.async_payment_failed']);
    check('200 discarded', await send(webhook, delivery('charge.refunded')), { status: 200, json: { received: true, discarded: true } });
    check('500 handler_failed', await send(webhook, delivery('invoice.payment_failed')), { status: 500, json: { error: 'handler_failed' } });
    check('400 bad signature', await send(webhook, delivery('customer.created', undefined, 'whsec_someone_else')), { status: 400, json: { error: 'no_matching_signature' } });
    check('405 GET', await send(webhook, { headers: {} }, 'GET'), { status: 405, json: { error: 'method_not_allowed' } });
    const big = delivery('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_big', note: 'x'.repeat(100_000) } } } });
    check('413 over maxBodyBytes', await send(webhook, big), { status: 413, json: { error: 'payload_too_large' } });
    check('global prefix not applied to the webhook', (await send(`${origin}/api/v1/webhook`, paid)).status, 404);
    const echo = { body: '{"a":1}', headers: { 'content-type': 'application/json' } };
    check('other routes keep JSON, under the prefix', await send(`${origin}/api/echo`, echo, 'POST', false), { status: 201, json: { parsed: { a: 1 }, rawBody } });
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
