// The console on node:http (and on Express or Nest's Express platform, whose req/res are node's):
// turns the IncomingMessage into a Web Request and hands the socket's address to the loopback rule.
// The body is passed on as a stream that reads nothing until the console asks: a request the
// console refuses (access, Origin, size) is answered without its body being read, and its
// connection is closed rather than drained.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleHandler } from './create-console-handler.js';

/**
 * A node:http listener serving `consoleApp`: `http.createServer(consoleNodeListener(consoleApp))`,
 * or `app.use('/stripe', consoleNodeListener(consoleApp))` in Express (before any body parser: the
 * console reads its own form bodies). Passes `req.socket.remoteAddress` as the client address.
 */
export function consoleNodeListener(consoleApp: ConsoleHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void serve(consoleApp, req, res);
}

async function serve(consoleApp: ConsoleHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const request = toRequest(req);
    if (request === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('console: this request cannot be read (its Host and path make no URL, or its method is not one the console answers).');
      return;
    }
    const response = await consoleApp(request, { clientAddress: req.socket.remoteAddress });
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    // A body the console did not read to its end is not drained: node closes the socket after
    // this answer instead of reading what is left.
    if (!req.complete) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    // createConsoleHandler answers its own failures; this is a broken socket or request.
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(`console failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The Web Request of `req`, or undefined when its Host and path make no URL. */
function toRequest(req: IncomingMessage): Request | undefined {
  // Express strips its mount path from `url` and keeps the whole one in `originalUrl`.
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  // Without a Host (HTTP/1.0) the URL still needs one: `.invalid` is never loopback, so the
  // console's Host rule refuses it.
  const url = `${protocol}://${req.headers.host ?? 'host-missing.invalid'}${path}`;
  try {
    // `duplex: 'half'` is what fetch asks of a streamed body; TypeScript's RequestInit lacks it.
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, ...(hasBody ? { body: lazyBody(req), duplex: 'half' } : {}) };
    return new Request(url, init);
  } catch {
    // A Host that makes no URL, or a method fetch forbids (TRACE, CONNECT).
    return undefined;
  }
}

/** The request's body as a Web stream that pulls one chunk at a time, and nothing before the first read. */
function lazyBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Buffer, undefined> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        chunks ??= req[Symbol.asyncIterator]() as AsyncIterator<Buffer, undefined>;
        const next = await chunks.next();
        if (next.done === true) controller.close();
        else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      cancel() {
        // Stops reading; the answer's `Connection: close` ends the rest.
        req.pause();
      },
    },
    { highWaterMark: 0 },
  );
}
