// stripe-webhook-kit/console: the operator console of a durable inbox.
export { createConsoleHandler, type ConsoleHandler, type ConsoleOptions, type ConsoleRequestContext } from './create-console-handler.js';
export { ConsoleError, type ConsoleErrorCode } from './console-error.js';
export { consoleNodeListener } from './node-listener.js';
