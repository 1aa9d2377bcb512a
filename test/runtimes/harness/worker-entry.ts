// The Worker miniflare runs: the documented Worker, plus GET /__probe?target=<url>, which runs the
// probe inside workerd. Bundled by esbuild as wrangler bundles (no nodejs_compat).
import worker from '../apps/worker.ts';
import { probe } from './probe.ts';
import { handlerSpans } from './telemetry-probe.ts';

export default {
  async fetch(request: Request, env: { STRIPE_WEBHOOK_SECRET: string; DB: D1Database }): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/__probe') return worker.fetch(request, env);
    const report = await probe('workerd', url.searchParams.get('target') ?? '', env.STRIPE_WEBHOOK_SECRET);
    return Response.json({ ...report, spans: await handlerSpans(true) });
  },
};
