import type { VerifyOptions } from '../types.js';
import { WebhookVerificationError } from './errors.js';
import { parseSignatureHeader, type ParsedSignatureHeader } from './parse-signature-header.js';
import { readPayload, type RawPayload } from './read-payload.js';

/** The steps both verifiers share; only the HMAC differs (node:crypto or Web Crypto). */
export interface PreparedVerification {
  secrets: readonly string[];
  payload: RawPayload;
  header: ParsedSignatureHeader;
}

export function prepareVerification(
  payload: unknown,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
): PreparedVerification {
  const secrets = normalizeSecrets(secret);
  return { secrets, payload: readPayload(payload), header: parseSignatureHeader(signatureHeader) };
}

/** What an HMAC is computed over: `"<t>."` followed by the raw body. */
export function signedPrefix(header: ParsedSignatureHeader): string {
  return `${header.timestamp}.`;
}

/** Checks that a signature matched and is recent enough; answers the body's text to parse. */
export function verifiedText(prepared: PreparedVerification, matched: boolean, options: VerifyOptions | undefined): string {
  if (!matched) throw noMatchingSignature(prepared);
  const tolerance = options?.tolerance ?? 300;
  const nowSeconds = Math.floor((options?.now ?? Date.now)() / 1000);
  const age = nowSeconds - prepared.header.timestamp;
  // Same rule as stripe-node: only too old is refused; tolerance <= 0 turns the check off.
  if (tolerance > 0 && age > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `The signature is ${age} s old, more than the ${tolerance} s tolerance. If this is a replay of an old delivery, ` +
        'sign it anew; if deliveries are fresh, check this server\'s clock (NTP); to process stored events later, pass `now` or `tolerance: 0`.',
    );
  }
  return prepared.payload.text;
}

// Blank in stripe-node's sense: empty or only whitespace.
const blank = /^[ \t\r\n\f\v]*$/;

function normalizeSecrets(secret: string | readonly string[]): readonly string[] {
  // The usual case, one secret, without the general path's closure (this runs on every delivery).
  if (typeof secret === 'string' && !blank.test(secret)) return [secret];
  const secrets: readonly unknown[] = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : [secret];
  if (secrets.length === 0) {
    throw new WebhookVerificationError('missing_secret', 'No webhook signing secret was given. Pass the endpoint\'s secret (it starts with `whsec_`), e.g. from STRIPE_WEBHOOK_SECRET.');
  }
  secrets.forEach((value, index) => {
    if (typeof value !== 'string' || blank.test(value)) {
      const which = secrets.length > 1 ? `Secret #${index + 1} of ${secrets.length}` : 'The webhook signing secret';
      throw new WebhookVerificationError(
        'missing_secret',
        `${which} is empty or missing. Pass the endpoint's signing secret (it starts with \`whsec_\`); check that the environment variable (e.g. STRIPE_WEBHOOK_SECRET) is set.`,
      );
    }
  });
  return secrets as readonly string[];
}

function noMatchingSignature({ secrets, payload }: PreparedVerification): WebhookVerificationError {
  const hints = [
    'No signature matches the payload.',
    payload.isEmpty
      ? 'The body is empty: a body parser probably consumed it before this handler (see `body_not_raw` in the docs).'
      : 'Pass the raw request body exactly as received: a body parser or a proxy that re-serializes the JSON breaks the signature.',
    `Check that the secret is this endpoint's signing secret (${secrets.length > 1 ? `${secrets.length} secrets were tried` : 'each endpoint, and `stripe listen`, has its own'}).`,
  ];
  if (secrets.some((value) => /\s/.test(value))) {
    hints.push('The secret contains whitespace: an extra space or newline was probably copied into it.');
  }
  return new WebhookVerificationError('no_matching_signature', hints.join(' '));
}
