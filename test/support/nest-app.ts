// Boots a Nest 11 app on a real socket (127.0.0.1, port 0), on the Express or the Fastify
// platform, with or without `{ rawBody: true }`, through NestFactory or @nestjs/testing.
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Module, type INestApplication, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type Stripe from 'stripe';
import { OnStripeEvent, StripeWebhookModule } from '../../src/entries/nest.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import type { WebhookRouter } from '../../src/router/create-webhook-router.js';
import type { WebhookContext } from '../../src/types.js';
import type { StartServer } from './status-contract.js';

export type NestPlatform = 'express' | 'fastify';

export interface NestSetup {
  platform: NestPlatform;
  rawBody: boolean;
  /** How the app is made: as main.ts makes it (default), or as an e2e test does. */
  boot?: 'NestFactory' | '@nestjs/testing';
}

/** Every platform with `rawBody` off and on, labelled for `describe.each`. */
export const nestSetups: readonly (readonly [string, NestSetup])[] = (['express', 'fastify'] as const).flatMap((platform) =>
  [false, true].map((rawBody) => [`${platform}, rawBody ${rawBody ? 'on' : 'off'}`, { platform, rawBody }] as const),
);

export interface RunningNestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Creates the app as a user's main.ts (or e2e test) would; `configure` runs between `create` and
 * `listen` (where main.ts calls `setGlobalPrefix`, `useGlobalGuards`, `useBodyParser`, `use`).
 */
export async function startNestApp(
  module: Type,
  setup: NestSetup,
  configure?: (app: INestApplication) => void,
  logger: LoggerService | false = false,
): Promise<RunningNestApp> {
  const adapter = setup.platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  let app: INestApplication;
  if (setup.boot === '@nestjs/testing') {
    const testing = await Test.createTestingModule({ imports: [module] }).compile();
    app = testing.createNestApplication(adapter, { rawBody: setup.rawBody, logger });
  } else {
    // abortOnError: false makes a failed bootstrap reject instead of killing the test process.
    app = await NestFactory.create(module, adapter, { rawBody: setup.rawBody, logger, abortOnError: false });
  }
  try {
    configure?.(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

const CONTRACT_ROUTER = 'CONTRACT_ROUTER';

/**
 * A `StartServer` for the shared contract tables (status-contract.ts, reliability-contract.ts):
 * the tables add handlers to their own router as they go; a decorated provider hands the events
 * to it, so every row runs through discovery, DI and the module's route.
 */
export function startContractApp(setup: NestSetup): StartServer {
  return async ({ router, ...options }: WebhookHandlerOptions) => {
    @Injectable()
    class ContractHandlers {
      constructor(@Inject(CONTRACT_ROUTER) private readonly contract: WebhookRouter) {}

      @OnStripeEvent(['checkout.session.completed', 'charge.refunded', 'invoice.paid'])
      async forward(event: Stripe.Event, ctx: WebhookContext) {
        try {
          await this.contract.dispatch(event, { logger: ctx.logger });
        } catch (error) {
          // One failing handler over there is one failing handler here, NonRetryableError included.
          throw error instanceof AggregateError && error.errors.length === 1 ? error.errors[0] : error;
        }
      }
    }
    @Module({ imports: [StripeWebhookModule.forRoot(options)], providers: [ContractHandlers, { provide: CONTRACT_ROUTER, useValue: router }] })
    class ContractModule {}
    const running = await startNestApp(ContractModule, setup);
    return { url: `${running.origin}/v1/webhook`, close: running.close };
  };
}
