import { describe, expect, it } from 'vitest';
import { orderReference } from '../../src/router/order-reference.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';

const session = (metadata: Record<string, string>, client_reference_id: string | null = null) =>
  createTestEvent('checkout.session.completed', { data: { object: { metadata, client_reference_id } } }).data.object;

describe('orderReference', () => {
  it('reads metadata.orderId first', () => {
    expect(orderReference(session({ orderId: 'o_1' }, 'ref_2'))).toBe('o_1');
  });

  it('reads another metadata key when asked', () => {
    expect(orderReference(session({ cartId: 'c_7' }), 'cartId')).toBe('c_7');
  });

  it('falls back to client_reference_id', () => {
    expect(orderReference(session({}, 'ref_2'))).toBe('ref_2');
  });

  it('throws a NonRetryableError that names what is missing', () => {
    const error = (() => {
      try {
        orderReference(session({}), 'cartId');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(NonRetryableError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect((error as Error).message).toMatch(/metadata\.cartId.*client_reference_id/);
  });
});
