// The Nest application of each contender, for both platforms (nest-express.ts, nest-fastify.ts).
import 'reflect-metadata';
import { BadRequestException, Controller, Headers, HttpCode, Injectable, Module, Post, Req, type RawBodyRequest, type Type } from '@nestjs/common';
import type Stripe from 'stripe';
import { OnStripeEvent, StripeWebhookModule } from 'stripe-webhook-kit/nest';
import { fulfill, handleLikeStripeDocs, ourOptions, secret, stripe, type ServerVariant } from './shared.js';

// Nest's route path has no leading slash.
const path = 'v1/webhook';

/** Needs the app created with `{ rawBody: true }`, as Nest's raw-body docs say for Stripe. */
@Controller()
class HandwrittenWebhookController {
  @Post(path)
  @HttpCode(200)
  receive(@Req() request: RawBodyRequest<object>, @Headers('stripe-signature') signature: string) {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(request.rawBody as Buffer, signature, secret);
    } catch (error) {
      throw new BadRequestException(`Webhook Error: ${(error as Error).message}`);
    }
    handleLikeStripeDocs(event);
    return { received: true };
  }
}

/** The hand-written route without the verification: the most a Nest controller could do. */
@Controller()
class CeilingWebhookController {
  @Post(path)
  @HttpCode(200)
  receive(@Req() request: RawBodyRequest<object>) {
    return { received: request.rawBody !== undefined };
  }
}

@Injectable()
class Orders {
  @OnStripeEvent('checkout.session.completed')
  completed(event: Stripe.CheckoutSessionCompletedEvent) {
    fulfill(event.data.object);
  }
}

@Module({ controllers: [HandwrittenWebhookController] })
class HandwrittenModule {}

@Module({ controllers: [CeilingWebhookController] })
class CeilingModule {}

function ourModule(variant: ServerVariant) {
  const { router: _router, ...options } = ourOptions(variant);
  @Module({ imports: [StripeWebhookModule.forRoot({ ...options, path })], providers: [Orders] })
  class OurModule {}
  return OurModule;
}

/** The root module, and whether the app must keep raw bodies itself (ours reads its own). */
export function nestAppFor(variant: ServerVariant): { module: Type<unknown>; rawBody: boolean } {
  if (variant === 'handwritten') return { module: HandwrittenModule, rawBody: true };
  if (variant === 'ceiling') return { module: CeilingModule, rawBody: true };
  return { module: ourModule(variant), rawBody: false };
}
