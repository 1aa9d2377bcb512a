import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put, Req, Res, SetMetadata, type Type } from '@nestjs/common';
import { describeError } from '../../router/create-webhook-router.js';
import { endpointConfigKey, fastifyRouteConfigMetadata } from './raw-body-capture.js';
import { isRaw, readWebhookRequest } from './read-webhook-request.js';
import { STRIPE_WEBHOOK_ENDPOINT } from './tokens.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { writeWebhookResponse } from './webhook-response.js';

/** The route's handlers: POST receives; the other methods get the contract's 405 rather than a 404. */
const routeMethods = ['receive', 'refuseGet', 'refusePut', 'refusePatch', 'refuseDelete'] as const;

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

    @Get()
    refuseGet(@Req() request: object, @Res() response: object): Promise<void> {
      return this.answer(request, response);
    }

    @Put()
    refusePut(@Req() request: object, @Res() response: object): Promise<void> {
      return this.answer(request, response);
    }

    @Patch()
    refusePatch(@Req() request: object, @Res() response: object): Promise<void> {
      return this.answer(request, response);
    }

    @Delete()
    refuseDelete(@Req() request: object, @Res() response: object): Promise<void> {
      return this.answer(request, response);
    }

    /** Never throws: an exception would reach the app's exception filters, which may answer 2xx. */
    private async answer(request: object, response: object): Promise<void> {
      const { handler } = this.endpoint;
      try {
        const delivery = await readWebhookRequest(request as Parameters<typeof readWebhookRequest>[0], handler.maxBodyBytes);
        if (delivery === undefined) return;
        if (!isRaw(delivery.body) && delivery.bodyTooLarge !== true) this.warnNotRaw();
        writeWebhookResponse(response, await handler.handle(delivery));
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
