import type { WebhookLogger } from '../types.js';

/**
 * Logs an error, when the handler is built, for a secret that cannot verify anything: empty
 * (`process.env.X ?? ''`), an API key in its place, or not a signing secret at all. The handler
 * still builds and answers per the contract (500 `missing_secret`, 400 `no_matching_signature`):
 * the point is that the operator reads why at startup, not after Stripe's first failed delivery.
 */
export function checkSecret(secret: unknown, logger: WebhookLogger): void {
  const secrets = Array.isArray(secret) ? (secret as unknown[]) : [secret];
  if (secrets.length === 0 || secrets.every((one) => typeof one !== 'string' || one.trim() === '')) {
    logger.error(
      'the webhook secret is empty: every delivery will be answered 500 missing_secret. Set the endpoint\'s signing secret ' +
        '(whsec_..., from the Stripe Dashboard or `stripe listen`) and fail at startup when it is unset, rather than falling back to \'\'.',
      { code: 'missing_secret' },
    );
    return;
  }
  secrets.forEach((one, index) => {
    if (typeof one !== 'string' || one.trim() === '') return;
    const which = secrets.length > 1 ? ` (secret #${index + 1})` : '';
    const apiKey = /^(sk|rk|pk)_(test|live)_/.exec(one) ?? /^(sk|rk|pk)_/.exec(one);
    if (apiKey) {
      logger.error(
        `the webhook secret${which} is a Stripe API key (${apiKey[1]}_...), not the endpoint's signing secret: every delivery will be answered 400 ` +
          'no_matching_signature. Use the signing secret (whsec_...) shown for the endpoint in the Dashboard, or printed by `stripe listen`.',
        { code: 'secret_is_api_key' },
      );
      return;
    }
    if (!one.startsWith('whsec_')) {
      logger.error(
        `the webhook secret${which} does not start with whsec_: Stripe's signing secrets do, so deliveries will likely be answered 400 ` +
          'no_matching_signature. Check that the variable holds the endpoint\'s signing secret, without quotes or spaces.',
        { code: 'secret_not_whsec' },
      );
    }
  });
}
