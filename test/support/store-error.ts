import { expect } from 'vitest';
import { IdempotencyStoreError } from '../../src/stores/store-error.js';

/** Expects `promise` to reject with an IdempotencyStoreError; resolves it for further checks. */
export async function storeError(promise: Promise<unknown>): Promise<IdempotencyStoreError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(IdempotencyStoreError.is(error), `expected an IdempotencyStoreError, got ${String(error)}`).toBe(true);
  return error as IdempotencyStoreError;
}
