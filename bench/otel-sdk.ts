// The OpenTelemetry SDK as the bench sets it up, in a server process (bench/servers/) and in this
// one (bench/handler-overhead.ts): spans built, batched and handed to an exporter that drops them
// (the network is left out), metrics aggregated for a reader that nobody asks.
import type { MeterProvider as ApiMeterProvider, TracerProvider as ApiTracerProvider } from '@opentelemetry/api';

export interface BenchOpenTelemetry {
  tracerProvider: ApiTracerProvider;
  meterProvider: ApiMeterProvider;
}

export async function benchOpenTelemetry(): Promise<BenchOpenTelemetry> {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const dropping = { export: (_spans: unknown, done: (result: { code: number }) => void) => done({ code: 0 }), shutdown: async () => {} };
  class HeldReader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  return {
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] }),
    meterProvider: new MeterProvider({ readers: [new HeldReader()] }),
  };
}
