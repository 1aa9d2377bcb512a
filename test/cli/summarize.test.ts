import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../src/cli/deliver.js';
import { percentile, summarize } from '../../src/cli/summarize.js';

const result = (status: number, latencyMs: number): DeliveryResult => ({
  eventType: 'charge.succeeded', eventId: 'evt_1', url: 'http://127.0.0.1/', status, ok: status >= 200 && status < 300, latencyMs, response: '',
});

describe('summarize', () => {
  it('counts 2xx against everything else, 3xx included', () => {
    expect(summarize([result(200, 1), result(204, 1), result(301, 1), result(500, 1)])).toMatchObject({ sent: 4, ok: 2, failed: 2 });
  });

  it('takes nearest-rank percentiles', () => {
    const latencies = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(latencies, 50)).toBe(50);
    expect(percentile(latencies, 99)).toBe(99);
    expect(percentile([7.25], 99)).toBe(7.3);
    expect(summarize([])).toEqual({ sent: 0, ok: 0, failed: 0, p50Ms: 0, p99Ms: 0 });
  });
});
