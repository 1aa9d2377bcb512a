import type { WebhookResponse } from '../../types.js';

/** Fastify's reply, as Nest hands it to a handler with `@Res()`. */
interface FastifyReplyLike {
  raw: unknown;
  sent?: boolean;
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): unknown;
}

/** Express's response (a Node `ServerResponse`), as Nest hands it to a handler with `@Res()`. */
interface NodeResponseLike {
  headersSent?: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

/**
 * Writes the contract's answer on the platform's own response object, as a handler with
 * `@Res()` does: Nest then sends nothing itself, so neither its default status (201 for POST) nor
 * an interceptor's mapping of the handler's result nor its serializer touches status or body.
 */
export function writeWebhookResponse(response: unknown, answer: WebhookResponse): void {
  if (isFastifyReply(response)) {
    if (response.sent !== true) response.code(answer.status).headers(answer.headers).send(answer.body);
    return;
  }
  const node = response as NodeResponseLike;
  // Something (an interceptor, a middleware) already answered: there is nothing left to write.
  if (node.headersSent === true) return;
  node.writeHead(answer.status, answer.headers);
  node.end(answer.body);
}

function isFastifyReply(response: unknown): response is FastifyReplyLike {
  return typeof response === 'object' && response !== null && 'raw' in response && typeof (response as { code?: unknown }).code === 'function';
}
