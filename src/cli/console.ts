// `stripe-webhook-kit console`: serves the operator console of an inbox on node:http, until Ctrl-C.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsoleHandler } from '../console/create-console-handler.js';
import { consoleNodeListener } from '../console/node-listener.js';
import { parseCommandLine } from './args.js';
import { usageError } from './errors.js';
import { connectInbox, inboxTargetOf, inboxTargetOptions } from './inbox-connect.js';
import type { CliIo } from './io.js';

/** Resolves once SIGINT or SIGTERM arrives: how a person (Ctrl-C) or a supervisor stops the console. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Resolves to the exit code once `until` resolves (default: Ctrl-C) and everything is closed. */
export async function consoleCommand(args: readonly string[], io: CliIo, until: () => Promise<void> = untilSignal): Promise<number> {
  const { values, positionals } = parseCommandLine('console', args, {
    ...inboxTargetOptions,
    port: { type: 'string' },
    host: { type: 'string' },
    'read-only': { type: 'boolean' },
  });
  if (positionals.length > 0) throw usageError(`console takes no arguments, got "${positionals[0]}" (see: stripe-webhook-kit console --help)`);
  const port = Number(values.port ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw usageError(`--port must be a port number, got "${values.port}"`);
  const host = values.host ?? '127.0.0.1';
  const stopped = until();
  const { inbox, close } = await connectInbox(inboxTargetOf(values, io.env));
  try {
    // No authorize here: the console answers loopback clients only (the listener passes the peer's
    // address), so --host 0.0.0.0 still refuses other machines; put a proxy with auth in front for them.
    const server = createServer(consoleNodeListener(createConsoleHandler({ inbox, readOnly: values['read-only'] === true })));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    // Listening on every interface, the console still answers only a loopback Host: print that one.
    const loopback = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
    const shown = address.family === 'IPv6' ? `[${loopback}]` : loopback;
    io.stdout.write(`console: http://${shown}:${address.port}/ (${inbox.engine} inbox${values['read-only'] ? ', read-only' : ''}; Ctrl-C to stop)\n`);
    await stopped;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    io.stdout.write('console: stopped\n');
    return 0;
  } finally {
    await close();
  }
}
