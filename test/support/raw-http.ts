// HTTP over a bare TCP socket, for what fetch cannot send or observe: repeated headers, a body
// that never ends, and whether the server closed the connection.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

function open(url: string): Promise<{ socket: Socket; path: string; host: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve({ socket, path: pathname, host: `${hostname}:${port}` }));
    socket.once('error', reject);
  });
}

function parse(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  return { status: Number(head.split(' ')[1]), headers: head, body: end === -1 ? '' : text.slice(end + 4) };
}

/** Sends one request written by hand (`headerLines` as they go on the wire) and reads the answer until the server closes. */
export async function rawRequest(url: string, method: string, headerLines: string[], body: string): Promise<RawAnswer> {
  const { socket, path, host } = await open(url);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`, ...headerLines];
  // Not end(): some servers (Hono's) give up on a request whose client half-closed.
  socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  await closed;
  const answer = parse(Buffer.concat(received).toString('utf8'));
  // Chunked answers (Hono, Fastify on some paths) carry sizes around the JSON; keep the JSON.
  const json = answer.body.match(/\{.*\}/s);
  return { ...answer, body: json ? json[0] : answer.body };
}

export interface EndlessUpload {
  answer: RawAnswer;
  /** Body bytes the client managed to write before the server closed the connection. */
  bytesWritten: number;
  /** True when the server closed the connection; false when the client gave up at `maxBytes`. */
  closedByServer: boolean;
}

/**
 * Keeps sending body bytes, as an abusive client would, until the server closes the connection
 * or `maxBytes` have gone out. Keep-alive on purpose: a server that drains the body and keeps
 * the connection would let this client go on for ever.
 */
export async function endlessUpload(url: string, { announce, maxBytes }: { announce: 'content-length' | 'chunked'; maxBytes: number }): Promise<EndlessUpload> {
  const { socket, path, host } = await open(url);
  const received: Buffer[] = [];
  let closedByServer = false;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedByServer = bytesWritten < maxBytes;
      resolve();
    }),
  );
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  const framing = announce === 'content-length' ? `Content-Length: ${maxBytes * 4}` : 'Transfer-Encoding: chunked';
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nStripe-Signature: t=1,v1=00\r\n${framing}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let bytesWritten = 0;
  while (bytesWritten < maxBytes && !socket.destroyed && socket.writable) {
    const frame = announce === 'chunked' ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
    const flushed = socket.write(frame);
    bytesWritten += chunk.length;
    if (!flushed) await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }
  if (!socket.destroyed && bytesWritten >= maxBytes) socket.end();
  await closed;
  return { answer: parse(Buffer.concat(received).toString('utf8')), bytesWritten, closedByServer };
}

/**
 * A client that announces `announced` body bytes, sends `sent` of them, then stalls (never ends
 * the body, never closes): waits until the server closes the connection, and returns its answer.
 */
export async function stalledBody(url: string, { announced, sent }: { announced: number; sent: string }): Promise<RawAnswer> {
  const { socket, path, host } = await open(url);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nStripe-Signature: t=1,v1=00\r\nContent-Length: ${announced}\r\n\r\n${sent}`);
  await closed;
  const answer = parse(Buffer.concat(received).toString('utf8'));
  const json = answer.body.match(/\{.*\}/s);
  return { ...answer, body: json ? json[0] : answer.body };
}
