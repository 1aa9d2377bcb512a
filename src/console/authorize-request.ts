// Who may use the console: `authorize(request)` decides on every request when it is given;
// without it, only a client on the same machine (loopback) may, and a client whose address cannot
// be known is refused (fail closed). A Web `Request` carries no peer address: the adapter passes
// it (the second argument of the handler, or the `clientAddress` option).

/** How the console decides who may use it. */
export interface AccessOptions {
  authorize?: (request: Request) => boolean | Promise<boolean>;
  clientAddress?: (request: Request) => string | undefined;
}

/** Why a request was refused, or `undefined` when it may go on. */
export type AccessRefusal = { code: 'console_forbidden' | 'console_not_loopback' | 'console_client_unknown'; message: string };

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
  return undefined;
}
