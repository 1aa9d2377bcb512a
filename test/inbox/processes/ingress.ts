// An ingress process: verifies, stores in the inbox, answers. Prints "listening <port>".
import { createServer } from 'node:http';
import { createWebhookHandler } from '../../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';
import { openInbox, secret } from './boss.js';

const { inbox } = await openInbox('ingress');
const handler = createWebhookHandler({ secret, router: createWebhookRouter(), inbox, logger: false });
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void handler.handle({ method: request.method ?? 'GET', headers: request.headers, body: Buffer.concat(chunks) }).then((answer) => {
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
