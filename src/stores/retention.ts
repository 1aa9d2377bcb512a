import { defaults, positiveMs } from '../options.js';

/** A durable store's `retentionMs`, checked: the database needs a finite, positive duration. */
export function durableRetentionMs(store: 'postgresStore' | 'redisStore' | 'sqliteStore', value: number | undefined): number {
  return positiveMs(store, 'retentionMs', value, defaults.retentionMs);
}
