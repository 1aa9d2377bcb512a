// @golevelup/nestjs-stripe's webhook module on Nest 11, for bench/nest-compare/run.ts:
// `node server.mjs <express|fastify> <secret>`. Plain JS with decorators applied as functions, and
// its own node_modules (stripe 20, as the package requires). As its README says, the app keeps
// raw bodies (`rawBody: true`) and the module reads `req.rawBody`.
import 'reflect-metadata';
import { StripeModule, StripeWebhookHandler } from '@golevelup/nestjs-stripe';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

const [platform, secret] = process.argv.slice(2);

/** The same trivial fulfillment as every other contender's. */
class Orders {
  completed(event) {
    return event.data.object.payment_status === 'paid';
  }
}
Injectable()(Orders);
const descriptor = Object.getOwnPropertyDescriptor(Orders.prototype, 'completed');
StripeWebhookHandler('checkout.session.completed')(Orders.prototype, 'completed', descriptor);

class AppModule {}
Module({
  imports: [
    StripeModule.forRoot({
      apiKey: 'sk_test_bench',
      // The bench's events are test-mode ones (accountTest); controllerPrefix 'v1' puts the route
      // at /v1/webhook, as every contender's.
      webhookConfig: { stripeSecrets: { account: secret, accountTest: secret }, requestBodyProperty: 'rawBody', controllerPrefix: 'v1' },
    }),
  ],
  providers: [Orders],
})(AppModule);

const app = await NestFactory.create(AppModule, platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { rawBody: true, logger: process.env.BENCH_DEBUG ? undefined : false });
await app.listen(0, '127.0.0.1');
process.on('disconnect', () => process.exit(0));
process.send?.({ port: app.getHttpServer().address().port });
