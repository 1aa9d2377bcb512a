/**
 * The operator console: a server-rendered web page over a durable inbox, to see every delivery,
 * why it failed, and replay it. `createConsoleHandler` returns a `(Request) => Promise<Response>`
 * that mounts in any framework. See [the console](../../docs/console.md).
 *
 * @module stripe-webhook-kit/console
 */

export { createConsoleHandler, type ConsoleHandler, type ConsoleOptions, type ConsoleRequestContext } from '../console/create-console-handler.js';
export { ConsoleError, type ConsoleErrorCode } from '../console/console-error.js';
export { consoleNodeListener } from '../console/node-listener.js';
