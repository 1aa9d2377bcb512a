// When the module may mount its route: as soon as Nest's HttpAdapterHost has an adapter, on Nest
// 11+ (init$) and on Nest 10 (no init$; its smoke test in test/nest-matrix runs the real one).
import { HttpAdapterHost } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import type { HttpAdapterLike } from '../../../../src/adapters/nest/mount-webhook-route.js';
import { whenHttpAdapterSet, type AdapterHostLike } from '../../../../src/adapters/nest/when-http-adapter-set.js';

const adapter: HttpAdapterLike = { getType: () => 'express', getInstance: () => ({}) };

/** The shape of Nest 10's HttpAdapterHost: an accessor pair on the prototype, and no init$. */
class Nest10Host {
  private stored: HttpAdapterLike | undefined;
  get httpAdapter(): HttpAdapterLike | undefined {
    return this.stored;
  }
  set httpAdapter(value: HttpAdapterLike | undefined) {
    this.stored = value;
  }
}

describe.each([
  ['Nest 11+ (init$)', () => new HttpAdapterHost() as unknown as AdapterHostLike],
  ['Nest 10 (setter)', () => new Nest10Host() as AdapterHostLike],
])('whenHttpAdapterSet on %s', (_name, createHost) => {
  it('calls back at once when the adapter is already set (NestFactory.create)', () => {
    const host = createHost();
    host.httpAdapter = adapter;
    const seen: unknown[] = [];
    whenHttpAdapterSet(host, () => seen.push(host.httpAdapter));
    expect(seen).toEqual([adapter]);
  });

  it('calls back when the adapter is set later (@nestjs/testing), with the adapter readable', () => {
    const host = createHost();
    const seen: unknown[] = [];
    whenHttpAdapterSet(host, () => seen.push(host.httpAdapter));
    expect(seen).toEqual([]);
    host.httpAdapter = adapter;
    expect(seen).toEqual([adapter]);
    expect(host.httpAdapter).toBe(adapter);
  });
});
