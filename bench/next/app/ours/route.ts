// Ours with `store: false`: the like-for-like comparison with the hand-written route.
import { createFetchHandler } from 'stripe-webhook-kit/web';
import { ourOptions } from '../../lib/bench';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = createFetchHandler(ourOptions('none'));
