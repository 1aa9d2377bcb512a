import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// Each error class, with a factory for an instance: `is()` must recognize an instance made by
// another copy of the module (as the ESM and CJS builds are when both are loaded), where
// `instanceof` fails.
const classes = [
  { file: '../src/verify/errors.js', name: 'WebhookVerificationError', args: ['missing_secret', 'no secret'] },
  { file: '../src/router/non-retryable-error.js', name: 'NonRetryableError', args: ['order gone'] },
  { file: '../src/stores/store-error.js', name: 'IdempotencyStoreError', args: ['redis', 'store_timeout', 'slow'] },
  { file: '../src/catch-up/catch-up-error.js', name: 'CatchUpError', args: ['invalid_since', 'bad since'] },
  { file: '../src/inbox/inbox-error.js', name: 'InboxError', args: ['inbox_unavailable', 'down'] },
  { file: '../src/inbox/inbox-error.js', name: 'InboxLeaseLostError', args: ['evt_1', 1000] },
  { file: '../src/console/console-error.js', name: 'ConsoleError', args: ['console_invalid_options', 'bad'] },
  { file: '../src/testing/simulation-options.js', name: 'SimulationError', args: ['invalid_option', 'bad'] },
] as const;

interface ErrorClass {
  new (...args: never[]): Error;
  is(value: unknown): boolean;
}

async function load(file: string, name: string): Promise<ErrorClass> {
  return ((await import(file)) as Record<string, ErrorClass>)[name]!;
}

describe.each(classes)('$name.is()', ({ file, name, args }) => {
  it('recognizes an instance from another copy of the module, and nothing else', async () => {
    const first = await load(file, name);
    vi.resetModules();
    const second = await load(file, name);
    expect(second).not.toBe(first);

    const fromCopy = Reflect.construct(second, args) as Error;
    expect(fromCopy instanceof first).toBe(false);
    expect(first.is(fromCopy)).toBe(true);
    expect(first.is(Reflect.construct(first, args))).toBe(true);

    const lookalike = Object.assign(new Error('same name and code'), { name, code: 'inbox_unavailable' });
    expect(first.is(lookalike)).toBe(false);
    expect(first.is(undefined)).toBe(false);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(first.is(proxy)).toBe(false);
  });
});

it('a subclass is its parent class too, from any copy', async () => {
  const { InboxError } = await import('../src/inbox/inbox-error.js');
  vi.resetModules();
  const copy = await import('../src/inbox/inbox-error.js');
  expect(InboxError.is(new copy.InboxLeaseLostError('evt_1', 1000))).toBe(true);
  expect(copy.InboxLeaseLostError.is(new InboxError('inbox_unavailable', 'down'))).toBe(false);
});

it('every error class a public entry exports is in the list above', async () => {
  const entries = readdirSync(new URL('../src/entries/', import.meta.url)).filter((file) => file.endsWith('.ts'));
  const exported = new Set<string>();
  for (const entry of entries) {
    const path = new URL(`../src/entries/${entry}`, import.meta.url).href;
    for (const [name, value] of Object.entries((await import(/* @vite-ignore */ path)) as Record<string, unknown>)) {
      if (typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Error) exported.add(name);
    }
  }
  expect([...exported].sort()).toEqual([...new Set(classes.map(({ name }) => name))].sort());
});
