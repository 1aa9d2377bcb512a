import { stripeApiVersion } from '../options.js';
import type { WebhookLogger } from '../types.js';

/**
 * Events keep the API version of the endpoint (or account) that rendered them: an event whose
 * `api_version` differs from the one the handlers were typed for may have fields elsewhere (a
 * field moved, and `session.x` is suddenly `undefined`). The check is per event, and says each
 * version once per process (a log per event would drown the log), with what to do.
 *
 * `source` names who saw it (`createWebhookHandler`, `catch-up`), and `expectedFrom` where the
 * expected version comes from, so that the advice fits.
 */
export function createApiVersionDrift(expected: string, logger: Pick<WebhookLogger, 'warn'>, source: string, expectedFrom: string) {
  stripeApiVersion(source, expected);
  const seen = new Set<string>();
  return {
    /** The event's version when it differs from the expected one, else undefined; warns the first time. */
    check(event: { id: string; api_version?: string | null }): string | undefined {
      const version = event.api_version;
      if (!version || version === expected) return undefined;
      if (!seen.has(version)) {
        seen.add(version);
        logger.warn(apiVersionDriftMessage(source, event.id, version, expected, expectedFrom), { eventId: event.id, eventApiVersion: version, expectedApiVersion: expected });
      }
      return version;
    },
  };
}

export function apiVersionDriftMessage(source: string, eventId: string, version: string, expected: string, expectedFrom: string): string {
  return (
    `${source}: event ${eventId} has api_version ${version} but ${expectedFrom} ${expected}; events keep the API version ` +
    `they were rendered with, so handlers typed for ${expected} may misread their data.object. It is processed as usual; ` +
    `to receive ${expected} payloads, create a webhook endpoint with api_version ${expected} and move to it ` +
    `(\`stripe-webhook-kit endpoints check\` lists the endpoints whose version differs), or check that handlers read ${version} payloads correctly`
  );
}
