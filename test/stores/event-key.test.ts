// The keys the PostgreSQL and SQLite stores file events under: ids either database would store
// differently from how they were sent get a digest, and two different ids never share a key.
import { describe, expect, it } from 'vitest';
import { eventKey } from '../../src/stores/event-key.js';

describe('eventKey', () => {
  it('keeps a Stripe id as it is', async () => {
    expect(await eventKey('evt_1NG8Du2eZvKYlo2CUI79vXWy')).toBe('evt_1NG8Du2eZvKYlo2CUI79vXWy');
  });

  it('gives distinct keys to ids that differ only in a lone surrogate, U+0000 or past 255 characters', async () => {
    const ids = ['evt_\uD800', 'evt_\uD801', 'evt_\uDC00', 'evt_\uFFFD', 'evt_\u0000a', 'evt_\u0000b', `${'x'.repeat(300)}a`, `${'x'.repeat(300)}b`];
    const keys = await Promise.all(ids.map(eventKey));
    expect(new Set(keys).size).toBe(ids.length);
    for (const key of keys.slice(0, 3)) expect(key).toMatch(/^sha256-json:[0-9a-f]{64}$/);
    expect(keys[3]).toBe('evt_\uFFFD');
  });
});
