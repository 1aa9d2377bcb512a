// A stand-in for the shipping API the shop calls when an order is paid (examples/shared/shipping.ts):
// slow for the orders the demo names, and down (503) while the demo says so.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShippingApi {
  url: string;
  /** Orders whose shipment takes `slowMs` to answer. */
  slow: Set<string>;
  slowMs: number;
  /** While true, every shipment is answered 503. */
  down: boolean;
  /** Order ids shipped (answered 2xx), in order. */
  shipped: string[];
  close(): Promise<void>;
}

export async function startShippingApi(slowMs: number): Promise<ShippingApi> {
  const api: Omit<ShippingApi, 'url' | 'close'> = { slow: new Set(), slowMs, down: false, shipped: [] };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const { orderId } = JSON.parse(body || '{}') as { orderId?: string };
      if (api.down) return void res.writeHead(503).end();
      setTimeout(() => {
        api.shipped.push(String(orderId));
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"shipped":true}');
      }, api.slow.has(String(orderId)) ? api.slowMs : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(api, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
