// Who may use the console: `authorize(request)` decides on every request when it is given;
// without it, only a client on the same machine (loopback) may, and a client whose address cannot
// be known is refused (fail closed). A Web `Request` carries no peer address: the adapter passes
// it (the second argument of the handler, or the `clientAddress` option).
// A loopback peer is not enough: a browser on this machine that visits a page whose name was
// rebound to 127.0.0.1 (DNS rebinding), or a proxy on this machine that forwards anyone, also
// connects from loopback. Neither can make its request name a loopback Host, so without
// `authorize` the Host must be one too.

/** How the console decides who may use it. */
export interface AccessOptions {
  authorize?: (request: Request) => boolean | Promise<boolean>;
  clientAddress?: (request: Request) => string | undefined;
}

/** Why a request was refused, or `undefined` when it may go on. */
export type AccessRefusal = { code: 'console_forbidden' | 'console_not_loopback' | 'console_client_unknown' | 'console_host_not_loopback'; message: string };

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (what a dual-stack Node socket reports). */
export function isLoopback(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (plain === '::1' || plain === '0:0:0:0:0:0:0:1') return true;
  const v4 = plain.startsWith('::ffff:') ? plain.slice(7) : plain;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export async function checkAccess(request: Request, options: AccessOptions, peerAddress: string | undefined): Promise<AccessRefusal | undefined> {
  if (options.authorize) {
    return (await options.authorize(request)) === true ? undefined : { code: 'console_forbidden', message: 'You are not allowed to use this console (its authorize function refused this request).' };
  }
  const address = peerAddress ?? options.clientAddress?.(request);
  if (address === undefined || address === '') {
    return {
      code: 'console_client_unknown',
      message:
        'The console cannot tell where this request comes from, so it refuses it. Pass authorize(request) to createConsoleHandler, ' +
        'or the client address: consoleApp(request, { clientAddress: socket.remoteAddress }), or the clientAddress(request) option.',
    };
  }
  if (!isLoopback(address)) {
    return {
      code: 'console_not_loopback',
      message: `Without an authorize function the console answers only this machine (loopback), not ${address}. Pass authorize(request) to createConsoleHandler to let others in.`,
    };
  }
  const host = request.headers.get('host') ?? new URL(request.url).host;
  if (!isLoopbackHost(host)) {
    return {
      code: 'console_host_not_loopback',
      message:
        `Without an authorize function the console answers only requests addressed to this machine (Host localhost, 127.0.0.1 or [::1]), not "${host}". ` +
        'Open it at http://127.0.0.1:<port>/, or pass authorize(request) to createConsoleHandler to serve it under another name.',
    };
  }
  return undefined;
}

/** `localhost`, 127.0.0.0/8 or [::1], with any port: the names only this machine answers to. */
export function isLoopbackHost(host: string): boolean {
  // A Host is a name and a port, nothing more: no user info, path or spaces to confuse URL parsing.
  if (!/^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i.test(host)) return false;
  try {
    const { hostname } = new URL(`http://${host}`);
    return hostname === 'localhost' || isLoopback(hostname);
  } catch {
    return false;
  }
}
