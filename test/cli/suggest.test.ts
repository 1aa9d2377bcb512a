import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../src/generated/event-types.js';
import { closestMatch } from '../../src/cli/suggest.js';

describe('closestMatch', () => {
  it.each([
    ['checkout.session.complete', 'checkout.session.completed'],
    ['payment_intent.succeded', 'payment_intent.succeeded'],
    ['invoice.payed', 'invoice.paid'],
  ])('suggests %s -> %s', (typo, suggestion) => {
    expect(closestMatch(typo, eventTypes)).toBe(suggestion);
  });

  it('suggests nothing for a string that resembles no event type', () => {
    expect(closestMatch('hello', eventTypes)).toBeUndefined();
  });
});
