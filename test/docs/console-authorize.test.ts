// The docs' authorize example (test/docs/snippets/console-authorize.ts, the code docs/console.md
// shows) guarding a real console over HTTP: nobody gets in while CONSOLE_TOKEN is unset, not even
// with "Bearer undefined"; once it is set, only its exact bearer token does.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConsoleHandler } from '../../src/console/create-console-handler.js';
import { serveConsole, startConsoleApp, type ConsoleApp } from '../support/console-app.js';
import type { RunningServer } from '../support/status-contract.js';

let app: ConsoleApp;
const servers: RunningServer[] = [];
beforeAll(async () => {
  app = await startConsoleApp();
}, 120_000);
afterAll(async () => {
  for (const server of servers) await server.close();
  await app?.close();
});
afterEach(() => vi.unstubAllEnvs());

/** The snippet as loaded with CONSOLE_TOKEN = `token` (it reads the variable when imported), behind a console. */
async function consoleWithToken(token: string | undefined): Promise<string> {
  vi.stubEnv('CONSOLE_TOKEN', token);
  vi.resetModules();
  const { isOnCall } = await import('./snippets/console-authorize.js');
  const server = await serveConsole(createConsoleHandler({ inbox: app.inbox, authorize: isOnCall }));
  servers.push(server);
  return server.url;
}

const status = async (url: string, authorization?: string) => (await fetch(`${url}/`, { headers: authorization === undefined ? {} : { authorization } })).status;

describe('the documented authorize', () => {
  it.each([undefined, ''])('refuses everyone while CONSOLE_TOKEN is %j', async (token) => {
    const url = await consoleWithToken(token);
    for (const authorization of [undefined, 'Bearer undefined', 'Bearer ', 'Bearer']) expect([authorization, await status(url, authorization)]).toEqual([authorization, 403]);
  });

  it('lets in the exact bearer token only', async () => {
    const url = await consoleWithToken('s3cret-on-call');
    expect(await status(url, 'Bearer s3cret-on-call')).toBe(200);
    for (const authorization of [undefined, 'Bearer undefined', 'Bearer s3cret-on-cal', 'Bearer s3cret-on-call2', 'bearer s3cret-on-call']) {
      expect([authorization, await status(url, authorization)]).toEqual([authorization, 403]);
    }
  });
});
