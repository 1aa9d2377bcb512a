export { signPayload, type SignPayloadOptions } from './sign-payload.js';
export { createTestEvent } from './create-test-event.js';
export { createTestNotification } from './create-test-notification.js';
export { createSignedRequest, type SignedRequest, type SignedRequestOptions } from './create-signed-request.js';
export type { DeepPartial } from './deep-merge.js';
