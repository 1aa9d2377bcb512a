// Ours with the default memory store: deduplication on.
import { createFetchHandler } from 'stripe-webhook-kit/web';
import { ourOptions } from '../../lib/bench';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = createFetchHandler(ourOptions('memory'));
