// What Vercel's edge-runtime runs: the documented Next.js route as POST, plus GET /__probe, which
// runs the probe inside the Edge Runtime. Bundled by esbuild into one script, as Next.js does.
import { POST } from '../apps/next-route.ts';
import { probe } from './probe.ts';
import { handlerSpans } from './telemetry-probe.ts';

addEventListener('fetch', (event) => {
  const fetchEvent = event as Event & { request: Request; respondWith(response: Promise<Response>): void };
  const url = new URL(fetchEvent.request.url);
  if (url.pathname !== '/__probe') return fetchEvent.respondWith(POST(fetchEvent.request));
  const secret = process.env.STRIPE_WEBHOOK_SECRET ?? '';
  const report = probe('edge-runtime', url.searchParams.get('target') ?? '', secret).then(async (found) => ({ ...found, spans: await handlerSpans(true) }));
  fetchEvent.respondWith(report.then((body) => Response.json(body)));
});
