// Stands in for `stripe-webhook-kit/sqlite` while the packed package has none: the Worker then
// runs with the memory store, and the checker says so on its line.
import { memoryStore, type IdempotencyStore } from 'stripe-webhook-kit';

export function sqliteStore(_db: unknown): IdempotencyStore {
  return memoryStore();
}
