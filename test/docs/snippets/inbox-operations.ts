const since = Date.now() - 7 * 86_400_000, until = Date.now();
const page = await inbox.list({ status: 'dead', type: 'checkout.session.completed', since, until, limit: 50 });
await inbox.list({ status: 'dead', limit: 50, cursor: page.nextCursor }); // the next page
await inbox.get('evt_...');              // { event, status, attempts: [{ startedAt, durationMs, error?, stack? }], receivedAt, ... }
await inbox.replay({ ids: ['evt_...'] }); // or { status: 'dead' }, or { type, since, until }: resolves the number re-queued
await inbox.replay({ ids: ['evt_...'], includeDone: true }); // done events too: their handlers (and ctx.db writes) run again
await inbox.purge({ olderThan: Date.now() - 30 * 86_400_000 });   // settled events only
await inbox.stats();                     // { queued, processing, done, failed, dead, discarded }
await inbox.list({ orderId: 'order_42' });  // metadata.orderId, else client_reference_id, of data.object
await inbox.list({ search: 'pi_3Q...' });   // an event id, object id or order id, exactly (no partial matches)
await inbox.timeline({ since: Date.now() - 86_400_000, bucketMs: 3_600_000 }); // [{ start, received, failed }], zeros included
