// A webhook endpoint for the simulator's tests, written as a user without this kit would write
// it: node:http and stripe-node's constructEvent. It records every request in arrival order,
// how many requests for each event were in flight at once, and answers as the test says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

const stripe = new Stripe('sk_test_simulator');

export interface RecordedRequest {
  /** The event id, read from the body once stripe-node accepted the signature (else ''). */
  eventId: string;
  type: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** stripe-node's `constructEvent` accepted it (tolerance 300 s). */
  verified: boolean;
  /** How many requests for this event arrived before this one. */
  earlier: number;
}

export interface Answer {
  status: number;
  body?: string;
}

export interface RecordingEndpoint {
  url: string;
  requests: RecordedRequest[];
  /** The most requests for one event id that the server held at the same time. */
  maxInFlight: Map<string, number>;
  close(): Promise<void>;
}

/** `answer` decides each response; it may hold a request by returning a promise. */
export async function startRecordingEndpoint(secret: string, answer: (request: RecordedRequest) => Answer | Promise<Answer> = () => ({ status: 200 })): Promise<RecordingEndpoint> {
  const requests: RecordedRequest[] = [];
  const maxInFlight = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const arrived = new Map<string, number>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let event: Stripe.Event | undefined;
      try {
        event = stripe.webhooks.constructEvent(body, request.headers['stripe-signature'] ?? '', secret);
      } catch {
        event = undefined;
      }
      const eventId = event?.id ?? '';
      const recorded: RecordedRequest = { eventId, type: event?.type ?? '', body, headers: request.headers, verified: event !== undefined, earlier: arrived.get(eventId) ?? 0 };
      arrived.set(eventId, recorded.earlier + 1);
      requests.push(recorded);
      const now = (inFlight.get(eventId) ?? 0) + 1;
      inFlight.set(eventId, now);
      maxInFlight.set(eventId, Math.max(maxInFlight.get(eventId) ?? 0, now));
      const { status, body: text = status < 300 ? '{"received":true}' : '{"error":"failed"}' } = event ? await answer(recorded) : { status: 400, body: '{"error":"bad_signature"}' };
      inFlight.set(eventId, (inFlight.get(eventId) ?? 1) - 1);
      response.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhook`,
    requests,
    maxInFlight,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
