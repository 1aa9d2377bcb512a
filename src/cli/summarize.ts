import type { DeliveryResult } from './deliver.js';

export interface DeliverySummary {
  sent: number;
  /** Deliveries answered with a 2xx. */
  ok: number;
  /** Deliveries answered with anything else. */
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(results: readonly DeliveryResult[]): DeliverySummary {
  const latencies = results.map((result) => result.latencyMs).sort((a, b) => a - b);
  const ok = results.filter((result) => result.ok).length;
  return { sent: results.length, ok, failed: results.length - ok, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** Nearest-rank percentile of sorted values (0 for none), rounded to 0.1 ms. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return roundMs(sorted[rank - 1] as number);
}

export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
