// Without @opentelemetry/api, nothing of the telemetry is loaded: the built CommonJS package in a
// child process where resolving the API fails as it does when the package is not installed.
import { describe, expect, it } from 'vitest';
import { root, runProcess } from '../support/run-cli.js';

// Loads the package, builds a handler, answers one signed delivery, then lists what was loaded.
const script = (hideOtel: boolean) => `
const Module = require('node:module');
if (${hideOtel}) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === '@opentelemetry/api') throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
    return resolve.call(this, request, ...rest);
  };
}
const { createWebhookHandler, createWebhookRouter } = require('./dist/index.cjs');
const { createTestEvent, createSignedRequest } = require('./dist/testing/index.cjs');
const secret = 'whsec_cold_import';
(async () => {
  const handler = createWebhookHandler({ secret, router: createWebhookRouter(), logger: false });
  const { body, headers } = createSignedRequest(createTestEvent('payment_intent.succeeded'), secret);
  const answer = await handler.handle({ method: 'POST', headers, body });
  const loaded = Object.keys(require.cache).filter((file) => /opentelemetry|otel-telemetry/.test(file));
  console.log(JSON.stringify({ status: answer.status, loaded }));
})();
`;

async function run(hideOtel: boolean): Promise<{ status: number; loaded: string[] }> {
  const result = await runProcess(process.execPath, ['-e', script(hideOtel)], { cwd: root });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { status: number; loaded: string[] };
}

describe('the built package without @opentelemetry/api', () => {
  it('answers deliveries and loads no telemetry code', async () => {
    expect(await run(true)).toEqual({ status: 200, loaded: [] });
  });

  it('(control) with it installed, the API and the kit\'s telemetry chunk are loaded', async () => {
    const { status, loaded } = await run(false);
    expect(status).toBe(200);
    expect(loaded.some((file) => file.includes('@opentelemetry/api'))).toBe(true);
    expect(loaded.some((file) => /otel-telemetry-\w+\.cjs$/.test(file))).toBe(true);
  });
});
