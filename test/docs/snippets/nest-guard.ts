import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { StripeWebhookModule } from 'stripe-webhook-kit/nest';

@Injectable()
export class StripeIpAllowList implements CanActivate {
  private readonly allowed = new Set(['3.18.12.63', '3.130.192.231' /* ... Stripe's list */]);
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ ip?: string }>();
    return request.ip !== undefined && this.allowed.has(request.ip);
  }
}

StripeWebhookModule.forRoot({ secret, decorators: [UseGuards(StripeIpAllowList)] });
