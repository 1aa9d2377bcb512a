/** How long a done event is remembered by default: 7 days, longer than the 3 days Stripe retries. */
export const defaultRetentionMs = 7 * 24 * 60 * 60 * 1000;

/** A durable store's `retentionMs`, checked: the database needs a finite, positive duration. */
export function durableRetentionMs(store: 'postgresStore' | 'redisStore' | 'sqliteStore', value: number | undefined): number {
  const retentionMs = value ?? defaultRetentionMs;
  if (!(retentionMs > 0) || !Number.isFinite(retentionMs)) throw new RangeError(`${store}: retentionMs must be a positive number of milliseconds.`);
  return retentionMs;
}
