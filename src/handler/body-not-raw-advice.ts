import type { WebhookFramework } from '../types.js';

/**
 * What consumed the body, and the fix, for each framework as its adapter meets the problem: the
 * handler's `body_not_raw` log line names the one that applies (the adapters say which they are).
 */
export const bodyNotRawAdvice: Record<WebhookFramework, string> = {
  express:
    'In Express, mount the webhook route before `express.json()` (or any body parser that keeps no raw copy), ' +
    'or give the route `express.raw({ type: "application/json" })`, or keep a raw copy with `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`.',
  fastify:
    'In Fastify the plugin parses its own route raw, so a hook replaced `request.body` after parsing: ' +
    'remove the `preValidation`/`preHandler` hook (or schema coercion) that rewrites bodies from the webhook route, or register it outside the plugin\'s context.',
  nest:
    'In NestJS the module reads the raw body itself and does not need `{ rawBody: true }`: something else consumed the body first, ' +
    'such as a middleware (`app.use(bodyParser.json())`, a `MiddlewareConsumer` body parser) applied to the webhook path; exclude the webhook path from it.',
  web:
    'In a Web handler (`createFetchHandler`), a middleware read the request body before the handler (a `Request` body can be read once): ' +
    'let the webhook route skip body-reading middleware, or hand the handler a fresh `new Request(url, { method, headers, body: rawText })`.',
};
