// The webhook as a real Nest route (Nest 11, both platforms, rawBody off and on, NestFactory and
// @nestjs/testing): the prefix, versioning and RouterModule shape its path, it is in the route
// map, and the app's guards, interceptors, filters and middleware run for it without changing the
// contract's status or body. Real apps on 127.0.0.1, signed deliveries sent with fetch.
import {
  Catch,
  Controller,
  ForbiddenException,
  Get,
  Injectable,
  Module,
  Post,
  UseGuards,
  VersioningType,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type LoggerService,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { OnStripeEvent, StripeWebhookModule, STRIPE_WEBHOOK_HANDLER, type StripeWebhookModuleOptions } from '../../src/entries/nest.js';
import type { WebhookHandler } from '../../src/handler/build-webhook-handler.js';
import { throwingLogger } from '../support/capturing-logger.js';
import { paidCheckout, signedDelivery, testSecret } from '../support/deliveries.js';
import { nestSetups, startNestApp, type NestSetup, type RunningNestApp } from '../support/nest-app.js';
import { expectAnswer, send } from '../support/status-contract.js';

const paid: string[] = [];

@Injectable()
class Orders {
  @OnStripeEvent('checkout.session.completed')
  completed() {
    paid.push('paid');
  }

  @OnStripeEvent('invoice.payment_failed')
  failing() {
    throw new Error('mailer down');
  }
}

/** Routes of the app's own, to show what the global enhancers do to any other route. */
@Controller('other')
class OtherController {
  @Post()
  create() {
    return { created: true };
  }

  @Get('boom')
  boom() {
    throw new Error('boom');
  }
}

/** What ran, in order, for which path. */
const seen: string[] = [];
const pathOf = (context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<{ url?: string; raw?: { url?: string } }>();
  return (request.raw?.url ?? request.url ?? '').split('?')[0];
};

class RecordingGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    seen.push(`guard ${pathOf(context)}`);
    return true;
  }
}

/** Maps every result into an envelope and sets a header: the usual response-mapping interceptor. */
class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    seen.push(`interceptor ${pathOf(context)}`);
    const response = context.switchToHttp().getResponse<{ header?(name: string, value: string): void; setHeader?(name: string, value: string): void }>();
    (response.header ?? response.setHeader)?.call(response, 'x-intercepted', 'yes');
    return next.handle().pipe(map((data: unknown) => ({ data, wrapped: true })));
  }
}

/** A pipe that refuses every value it is given: the webhook's parameters are none of its business. */
class RefusingPipe implements PipeTransform {
  transform(): never {
    throw new ForbiddenException('the pipe ran');
  }
}

/** Answers every error with 200, as some apps do: it must never see the webhook's failures. */
@Catch()
class SwallowingFilter implements ExceptionFilter {
  catch(_error: unknown, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<{ code?(status: number): { send(body: string): void }; status?(status: number): { json(body: unknown): void } }>();
    if (response.code) response.code(200).send('{"swallowed":true}');
    else response.status?.(200).json({ swallowed: true });
  }
}

/** The IP allow-list of the brief, for the webhook route alone: only a known client passes. */
@Injectable()
class AllowListGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    const headers = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers;
    return headers['x-client'] === 'stripe';
  }
}

function appModule(options: Partial<StripeWebhookModuleOptions> = {}, extraImports: unknown[] = []) {
  const webhook = StripeWebhookModule.forRoot({ secret: testSecret, logger: false, ...options });
  @Module({ imports: [webhook, ...(extraImports as [])], controllers: [OtherController], providers: [Orders] })
  class AppModule {}
  return AppModule;
}

/** Nest's own log lines, to read the route map from. */
function nestLines(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const keep = (message: unknown) => void lines.push(String(message));
  return { logger: { log: keep, warn: keep, error: keep }, lines };
}

const boots = ['NestFactory', '@nestjs/testing'] as const;
const setups = nestSetups.flatMap(([label, setup]) => boots.map((boot) => [`${label}, ${boot}`, { ...setup, boot }] as const));

describe.each(setups)('Nest 11, %s', (_label, setup: NestSetup) => {
  const running: RunningNestApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((one) => one.close()));
    paid.length = 0;
    seen.length = 0;
  });

  async function start(module: ReturnType<typeof appModule>, configure?: (app: INestApplication) => void, logger?: LoggerService) {
    const app = await startNestApp(module, setup, configure, logger);
    running.push(app);
    return app;
  }

  it('is mapped by Nest under the global prefix and URI version', async () => {
    const { logger, lines } = nestLines();
    const { origin } = await start(appModule({ path: 'webhook' }), (app) => app.setGlobalPrefix('api').enableVersioning({ type: VersioningType.URI, defaultVersion: '1' }), logger);
    // Nest logs the version apart from the path; the request below shows the full path.
    expect(lines).toContain('Mapped {/api/webhook, POST} (version: 1) route');
    const delivery = paidCheckout('o_versioned');
    expectAnswer(await send(`${origin}/api/v1/webhook`, delivery), 200, { received: true }, delivery);
    expect(paid).toEqual(['paid']);
    expect((await send(`${origin}/webhook`, paidCheckout('o_bare'))).status).toBe(404);
  });

  it('goes under a RouterModule path', async () => {
    const module = appModule({}, [RouterModule.register([{ path: 'payments', module: StripeWebhookModule }])]);
    const { origin } = await start(module);
    const delivery = paidCheckout('o_routed');
    expectAnswer(await send(`${origin}/payments/v1/webhook`, delivery), 200, { received: true }, delivery);
    expect(paid).toEqual(['paid']);
  });

  it('runs the global guard, interceptor, pipe, filter and middleware, none of which changes the answer', async () => {
    const { origin } = await start(appModule(), (app) => {
      app.use((request: { url?: string }, _response: unknown, next: () => void) => {
        seen.push(`middleware ${(request.url ?? '').split('?')[0]}`);
        next();
      });
      app.useGlobalGuards(new RecordingGuard()).useGlobalInterceptors(new EnvelopeInterceptor()).useGlobalPipes(new RefusingPipe()).useGlobalFilters(new SwallowingFilter());
    });
    const delivery = paidCheckout('o_enhanced');
    const handled = await send(`${origin}/v1/webhook`, delivery);
    expectAnswer(handled, 200, { received: true }, delivery);
    expect(handled.headers.get('x-intercepted')).toBe('yes');
    expect(seen).toEqual(['middleware /v1/webhook', 'guard /v1/webhook', 'interceptor /v1/webhook']);
    // A handler's failure stays the contract's 500, though the filter answers 200 to any error.
    expectAnswer(await send(`${origin}/v1/webhook`, signedDelivery('invoice.payment_failed')), 500, { error: 'handler_failed' });
    // The same enhancers on the app's own routes: wrapped, 201, and errors swallowed into 200.
    const other = await fetch(`${origin}/other`, { method: 'POST' });
    expect({ status: other.status, json: (await other.json()) as unknown }).toEqual({ status: 201, json: { data: { created: true }, wrapped: true } });
    const boom = await fetch(`${origin}/other/boom`);
    expect({ status: boom.status, json: (await boom.json()) as unknown }).toEqual({ status: 200, json: { swallowed: true } });
  });

  it('answers per the contract with a logger that throws, never through the app\'s filter', async () => {
    const { origin } = await start(appModule({ logger: throwingLogger() }), (app) => app.useGlobalFilters(new SwallowingFilter()));
    const forged = paidCheckout('o_forged', { secret: 'whsec_someone_else' });
    expectAnswer(await send(`${origin}/v1/webhook`, forged), 400, { error: 'no_matching_signature' }, forged);
  });

  it('answers an error of its own with 500 internal_error, never through the app\'s filter', async () => {
    const { origin, app } = await start(appModule(), (created) => created.useGlobalFilters(new SwallowingFilter()));
    // A fault injected into the core (whose handle never rejects): the route's own last resort.
    const handler = app.get<WebhookHandler>(STRIPE_WEBHOOK_HANDLER);
    handler.handle = () => Promise.reject(new Error('a bug in the core'));
    const delivery = paidCheckout('o_fault');
    expectAnswer(await send(`${origin}/v1/webhook`, delivery), 500, { error: 'internal_error' }, delivery);
  });

  it('applies the decorators option to the webhook route alone: an allow-list guard', async () => {
    const { origin } = await start(appModule({ decorators: [UseGuards(AllowListGuard)] }));
    const delivery = paidCheckout('o_allowed');
    const refused = await send(`${origin}/v1/webhook`, delivery);
    expect(refused.status).toBe(403);
    expect(paid).toEqual([]);
    expectAnswer(await send(`${origin}/v1/webhook`, { ...delivery, headers: { ...delivery.headers, 'x-client': 'stripe' } as never }), 200, { received: true }, delivery);
    expect(paid).toEqual(['paid']);
    expect((await fetch(`${origin}/other`, { method: 'POST' })).status).toBe(201);
  });
});
