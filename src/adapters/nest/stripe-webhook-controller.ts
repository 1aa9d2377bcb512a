import { Controller, HttpCode, Inject, Post, Req, RequestMapping, RequestMethod, Res, SetMetadata, type Type } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import { describeError } from '../../router/create-webhook-router.js';
import { endpointConfigKey, fastifyRouteConfigMetadata } from './raw-body-capture.js';
import { isRaw, readWebhookRequest } from './read-webhook-request.js';
import { STRIPE_WEBHOOK_ENDPOINT } from './tokens.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { writeWebhookResponse } from './webhook-response.js';

/**
 * The methods the route refuses with the contract's 405 (and `Allow: POST`) rather than Nest's
 * 404: every one this Nest routes (its `RequestMethod` has it and its HTTP adapters implement
 * it: the WebDAV methods since Nest 11). Not HEAD, which both platforms answer from the GET
 * route; not QUERY, which Express 4 cannot route. Methods beyond these are Nest's 404
 * (docs/nestjs.md).
 */
const refusedMethods = ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SEARCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'].filter((method) => {
  const value = (RequestMethod as unknown as Record<string, unknown>)[method];
  return typeof value === 'number' && typeof (AbstractHttpAdapter.prototype as unknown as Record<string, unknown>)[method.toLowerCase()] === 'function';
});

/**
 * A controller class of its own for each endpoint, so each has its own path and decorators. The
 * path is set once the options are known (`forRootAsync` may make it), before Nest maps routes.
 */
export function createWebhookController(name: string | undefined, decorators: readonly MethodDecorator[]): Type<unknown> {
  @Controller()
  class StripeWebhookController {
    private warnedNotRaw = false;

    constructor(@Inject(STRIPE_WEBHOOK_ENDPOINT) private readonly endpoint: WebhookEndpoint) {}

    // 200 for the route map and API docs; the answer itself is written below, whatever status
    // Nest or an interceptor would set.
    @Post()
    @HttpCode(200)
    receive(@Req() request: object, @Res() response: object): Promise<void> {
      return this.answer(request, response);
    }

    refuse(request: object, response: object): Promise<void> {
      return this.answer(request, response);
    }

    /** Never throws: an exception would reach the app's exception filters, which may answer 2xx. */
    private async answer(request: object, response: object): Promise<void> {
      const { handler } = this.endpoint;
      try {
        const delivery = await readWebhookRequest(request as Parameters<typeof readWebhookRequest>[0], handler.maxBodyBytes, this.endpoint.bodyTimeoutMs);
        if (delivery === undefined) return;
        if (!isRaw(delivery.body) && delivery.bodyTooLarge !== true && delivery.bodyTimedOut !== true) this.warnNotRaw();
        writeWebhookResponse(response, await handler.handle({ ...delivery, framework: 'nest' }));
      } catch (error) {
        try {
          handler.logger.error('the webhook route failed unexpectedly; Stripe will retry the delivery', { error: describeError(error) });
        } finally {
          writeWebhookResponse(response, { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"error":"internal_error"}' });
        }
      }
    }

    private warnNotRaw(): void {
      if (this.warnedNotRaw) return;
      this.warnedNotRaw = true;
      this.endpoint.handler.logger.error(
        `${this.endpoint.label}: Nest's JSON parser read the body before the module could keep it raw. Create the app with ` +
          '{ rawBody: true } (needed on Express under @nestjs/testing on Nest 10: createNestApplication({ rawBody: true })), ' +
          'or, with your own Express instance, mount express.json() after NestFactory.create().',
      );
    }
  }

  const prototype = StripeWebhookController.prototype as unknown as Record<string, unknown>;
  const routeMethods = ['receive'];
  for (const method of refusedMethods) {
    // One handler per method, each a route of its own in Nest's route map.
    const key = `refuse${method[0]}${method.slice(1).toLowerCase()}`;
    // A function of its own: Nest keeps a route's method and path on the function.
    const refuse = function (this: { refuse(request: object, response: object): Promise<void> }, request: object, response: object) {
      return this.refuse(request, response);
    };
    Object.defineProperty(prototype, key, { value: refuse, writable: true, configurable: true });
    RequestMapping({ method: RequestMethod[method as keyof typeof RequestMethod] })(prototype, key, Object.getOwnPropertyDescriptor(prototype, key) as PropertyDescriptor);
    Req()(prototype, key, 0);
    Res()(prototype, key, 1);
    routeMethods.push(key);
  }
  for (const method of routeMethods) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, method) as PropertyDescriptor;
    // Marks the route for the Fastify capture (Nest passes it on as the route's config).
    SetMetadata(fastifyRouteConfigMetadata, { [endpointConfigKey]: name ?? '' })(prototype, method, descriptor);
    for (const decorator of decorators) decorator(prototype, method, descriptor);
  }
  return StripeWebhookController;
}

/** Gives the controller its path: a plain controller path, under the prefix, version and RouterModule. */
export function setControllerPath(controller: Type<unknown>, path: string): void {
  Controller(path)(controller);
}
