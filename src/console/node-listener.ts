// The console on node:http (and on Express or Nest's Express platform, whose req/res are node's):
// turns the IncomingMessage into a Web Request and hands the socket's address to the loopback rule.
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
    const response = await consoleApp(await toRequest(req), { clientAddress: req.socket.remoteAddress });
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    // createConsoleHandler answers its own failures; this is a broken socket or request.
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`console failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function toRequest(req: IncomingMessage): Promise<Request> {
  // Express strips its mount path from `url` and keeps the whole one in `originalUrl`.
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const chunks: Buffer[] = [];
  if (hasBody) for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Request(`${protocol}://${req.headers.host ?? 'localhost'}${path}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
}
