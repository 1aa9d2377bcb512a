// A local stand-in for the Stripe API: the GETs that stripe-node's thin notifications make
// (`fetchRelatedObject()` requests `related_object.url`, `fetchEvent()` requests
// /v2/core/events/:id), answered from what the test put there. stripe-node is pointed at it by
// host, port and protocol, so its own request code runs.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface ThinObjectsServer {
  /** A stripe-node client whose requests go to this server. */
  stripe: Stripe;
  /** Serves `object` at `path` (e.g. `/v1/checkout/sessions/cs_test_1`). */
  put(path: string, object: object): void;
  /** Every request stripe-node made, in order. */
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export async function startThinObjectsServer(): Promise<ThinObjectsServer> {
  const objects = new Map<string, object>();
  const requests: ThinObjectsServer['requests'] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    requests.push({ method: request.method ?? '', path, headers: request.headers });
    request.resume();
    const object = request.method === 'GET' ? objects.get(path) : undefined;
    response.setHeader('content-type', 'application/json');
    response.setHeader('request-id', `req_standin_${requests.length}`);
    if (object) {
      response.end(JSON.stringify(object));
      return;
    }
    // Stripe's error shape, so stripe-node raises its StripeInvalidRequestError.
    response.statusCode = 404;
    response.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such object: ${path}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stripe = new Stripe('sk_test_thin_objects_stand_in', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  return {
    stripe,
    put: (path, object) => void objects.set(path, object),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
