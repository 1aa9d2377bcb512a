import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';
import { createConsoleHandler } from 'stripe-webhook-kit/console';
import { isOnCall } from './console-authorize.js';

const inbox = bullmqInbox({ connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }) });
const consoleApp = createConsoleHandler({ inbox, basePath: '/stripe', authorize: isOnCall });

const app = Fastify();
// The console's forms are urlencoded: hand their body over as it came.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
async function serveConsole(request: FastifyRequest, reply: FastifyReply) {
  const headers = new Headers(request.headers as Record<string, string>);
  const body = typeof request.body === 'string' ? request.body : undefined;
  const response = await consoleApp(new Request(`${request.protocol}://${request.host}${request.url}`, { method: request.method, headers, body }), { clientAddress: request.ip });
  response.headers.forEach((value, name) => void reply.header(name, value));
  reply.code(response.status);
  return reply.send(await response.text());
}
app.all('/stripe', serveConsole);
app.all('/stripe/*', serveConsole);
await app.listen({ port: 3000 });
