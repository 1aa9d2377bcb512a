// The help of each command: what `stripe trigger` and `stripe listen --forward-to` do with a
// Stripe account, done offline with locally signed events.

export const mainHelp = `Usage: stripe-webhook-kit <command> [options]

Send signed Stripe webhook events to a local endpoint, without a Stripe account or network.

Commands:
  trigger <event-type>   create a realistic event, sign it and POST it (like stripe trigger)
  replay <events.jsonl>  re-sign saved events and POST them in order
  sign <payload-file>    print the Stripe-Signature header value for a payload

Options:
  -h, --help             show help (also: stripe-webhook-kit <command> --help)
  --version              show the version

The signing secret comes from --secret or STRIPE_WEBHOOK_SECRET (whsec_...).
Exit codes: 0 every delivery got a 2xx, 1 some did not (or the server could not be reached),
2 usage error (nothing was sent).
`;

export const triggerHelp = `Usage: stripe-webhook-kit trigger <event-type> --forward-to <url> [options]

Creates a realistic event of <event-type> from Stripe's example objects, signs it with the
current time and POSTs it to <url>, like \`stripe trigger\` with \`stripe listen --forward-to\`.

Options:
  --forward-to <url>         the webhook endpoint, e.g. localhost:8000/v1/webhook (http:// is implied)
  --secret <whsec_...>       the endpoint's signing secret (default: STRIPE_WEBHOOK_SECRET)
  --metadata <key=value>     set data.object.metadata[key]; repeatable, e.g. --metadata orderId=ord_1
  --payment-status <status>  paid | unpaid | no_payment_required (checkout.session.* events only)
  --repeat <n>               send n events, each with a new id (default 1)
  --concurrency <n>          at most n requests in flight (default 1)
  --save <file>              append each event sent to <file> as JSON lines, for \`replay\`
  --json                     print one JSON object per delivery, then a summary object
  --thin                     send the thin notification (v1.<event-type>, object v2.core.event) instead;
                             its related object exists only in your stand-in, not in Stripe
  -h, --help                 show this help

Examples:
  stripe-webhook-kit trigger checkout.session.completed --forward-to localhost:8000/v1/webhook \\
    --metadata orderId=ord_123
  stripe-webhook-kit trigger checkout.session.completed --payment-status unpaid --metadata orderId=ord_123 \\
    --forward-to localhost:8000/v1/webhook
  stripe-webhook-kit trigger payment_intent.succeeded --repeat 500 --concurrency 20 --forward-to localhost:8000/v1/webhook
`;

export const replayHelp = `Usage: stripe-webhook-kit replay <events.jsonl> --forward-to <url> [options]

Reads one Stripe event (JSON) per line, signs each again with the current time and POSTs them in
order, one at a time. Blank lines are skipped; \`-\` reads stdin. Sending an event a second time
is how a duplicate delivery looks to your endpoint.

Options:
  --forward-to <url>     the webhook endpoint, e.g. localhost:8000/v1/webhook
  --secret <whsec_...>   the endpoint's signing secret (default: STRIPE_WEBHOOK_SECRET)
  --json                 print one JSON object per delivery, then a summary object
  -h, --help             show this help
`;

export const signHelp = `Usage: stripe-webhook-kit sign <payload-file> [options]

Prints the Stripe-Signature header value (t=<unix>,v1=<hmac>) for the exact bytes of
<payload-file> (\`-\` reads stdin), to send with curl or any HTTP client. A trailing newline in
the file is part of the payload: send the file byte for byte (curl --data-binary @file).

Options:
  --secret <whsec_...>   the endpoint's signing secret (default: STRIPE_WEBHOOK_SECRET)
  --timestamp <unix>     sign as of this time in Unix seconds (default: now)
  -h, --help             show this help

Example:
  curl -X POST localhost:8000/v1/webhook -H 'content-type: application/json' \\
    -H "stripe-signature: $(stripe-webhook-kit sign event.json)" --data-binary @event.json
`;
