/**
 * `telemetry` in the handler's options. Structural types only: the kit's public types must not
 * need `@opentelemetry/api` for users who do not have it.
 */
export interface WebhookTelemetryOptions {
  /**
   * The `@opentelemetry/api` module (`import * as api from '@opentelemetry/api'`). Default: found
   * on its own where the runtime has `process.getBuiltinModule` (Node, Bun, Deno); on Cloudflare
   * Workers and edge runtimes telemetry is on only when the app passes it here.
   */
  api?: { trace: unknown; metrics: unknown; context: unknown };
  /** Where spans go. Default the global tracer provider (`NodeSDK`, or `provider.register()`). */
  tracerProvider?: {
    /** OpenTelemetry's `TracerProvider.getTracer`. */
    getTracer(name: string, version?: string): unknown;
  };
  /** Where metrics go. Default the global meter provider. */
  meterProvider?: {
    /** OpenTelemetry's `MeterProvider.getMeter`. */
    getMeter(name: string, version?: string): unknown;
  };
}

/**
 * `true` or omitted: traces and metrics when `@opentelemetry/api` can be loaded, nothing otherwise;
 * `false`: none; an object: on, with these providers instead of the global ones.
 */
export type WebhookTelemetrySetting = boolean | WebhookTelemetryOptions;

/** The name the kit's tracer and meter go by. */
export const instrumentationName = 'stripe-webhook-kit';
