// `--api-base` / STRIPE_API_BASE over real HTTP: the key goes in clear text only to this machine,
// the command names the host it sends the key to, and an API that echoes the key never gets it
// printed.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../support/listen.js';
import { runCli } from '../support/run-cli.js';
import type { RunningServer } from '../support/status-contract.js';

let echo: RunningServer;
beforeAll(async () => {
  // A host that answers every request 401 with the full key it was sent, as a careless proxy might.
  const server = createServer((request, response) => {
    const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${key}` } }));
  }).listen(0, '127.0.0.1');
  echo = await listening(server, '');
});
afterAll(() => echo?.close());

const key = 'rk_test_51EchoedSecretValue';

describe('the API base', () => {
  it('refuses http:// to another machine, by flag or environment, before any request', async () => {
    for (const run of [
      await runCli(['endpoints', 'check', '--api-key', key, '--api-base', 'http://api.example.com']),
      await runCli(['catch-up', '--api-key', key, '--since', '1h', '--dry-run'], { env: { STRIPE_API_BASE: 'http://10.0.0.5:12111' } }),
    ]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('would send your API key unencrypted: use https://, or http:// only to this machine');
    }
  });

  it('names the host it sends the key to, and never prints a response that echoes the key', async () => {
    const run = await runCli(['endpoints', 'check', '--api-key', key, '--api-base', echo.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`sending the API key to ${echo.url} (--api-base)`);
    expect(run.stderr).toContain('Invalid API Key provided: rk_test_[redacted]');
    expect(run.stdout + run.stderr).not.toContain('EchoedSecretValue');
    const fromEnv = await runCli(['endpoints', 'check', '--api-key', key], { env: { STRIPE_API_BASE: echo.url.replace('127.0.0.1', 'localhost') } });
    expect(fromEnv.stderr).toMatch(/sending the API key to http:\/\/localhost:\d+ \(STRIPE_API_BASE\)/);
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain('EchoedSecretValue');
  });
});
