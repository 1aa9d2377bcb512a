// The help of each command: what `stripe trigger` and `stripe listen --forward-to` do with a
// Stripe account, done offline with locally signed events.

export const mainHelp = `Usage: stripe-webhook-kit <command> [options]

Send signed Stripe webhook events to a local endpoint, without a Stripe account or network.

Commands:
  trigger <event-type>   create a realistic event, sign it and POST it (like stripe trigger)
  replay <events.jsonl>  re-sign saved events and POST them in order
  sign <payload-file>    print the Stripe-Signature header value for a payload
  catch-up               list, or re-send to your endpoint, events the account sent while it was down
  endpoints check        compare your webhook endpoints with the event types you handle
  simulate               deliver checkout flows as Stripe does: duplicates, any order, retries
  inbox <action>         list, show, replay or count the events of a durable inbox, or check its health
  console                a web page to see, filter and replay the events of a durable inbox

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
  --client-reference-id <id> set data.object.client_reference_id (checkout.session.* events)
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

export const catchUpHelp = `Usage: stripe-webhook-kit catch-up --api-key <rk_...> --since <when> [options]

Reads the events of your Stripe account since <when> from the Events API (kept 30 days), oldest
first. Without --forward-to it lists them (a dry run). With --forward-to it re-sends each one to
your endpoint, signed with --secret, as \`stripe events resend\` does: your app runs its handlers
and answers the events it already processed as duplicates, so running it again is safe. To run
the handlers in-process instead, call catchUp() from your app (see docs/catch-up.md).

Options:
  --api-key <rk_...>     a restricted key with Events: read (default: STRIPE_API_KEY)
  --since <when>         72h, 7d, 90m, 2w, or an ISO date such as 2026-11-01T00:00:00Z
  --undelivered          only events some endpoint has not acknowledged (delivery_success=false)
  --types <type,...>     only these event types (repeatable); default: every type
  --forward-to <url>     re-send each event to your webhook endpoint, e.g. localhost:8000/v1/webhook
  --secret <whsec_...>   the endpoint's signing secret (default: STRIPE_WEBHOOK_SECRET)
  --dry-run              only list, even with --forward-to
  --api-base <url>       another API host, e.g. a proxy (default: STRIPE_API_BASE, else api.stripe.com)
  --json                 print one JSON object per event, then a summary object
  -h, --help             show this help

Exit codes: 0 nothing failed, 1 some event was not answered with a 2xx or the run stopped
(rerun it: what is done is skipped), 2 usage error.

Example:
  stripe-webhook-kit catch-up --api-key rk_live_... --since 72h --undelivered \\
    --types checkout.session.completed,checkout.session.async_payment_succeeded \\
    --forward-to https://shop.example/v1/webhook --secret whsec_...
`;

export const endpointsHelp = `Usage: stripe-webhook-kit endpoints check --api-key <rk_...> [--types <type,...>] [options]

Compares the event types your app handles with each webhook endpoint of the account: an endpoint
that does not send a type (in its enabled_events; * sends all), a disabled endpoint, or one on
another API version than your stripe-node client is drift. Each is printed with what to change.

Options:
  --api-key <rk_...>     a restricted key with Webhook Endpoints: read (default: STRIPE_API_KEY)
  --types <type,...>     the event types your handlers need (repeatable)
  --url <url>            check only the endpoint with this URL (your app's), not every endpoint
  --api-version <v>      the API version your app pins (default: the installed stripe-node's)
  --api-base <url>       another API host, e.g. a proxy (default: STRIPE_API_BASE, else api.stripe.com)
  --json                 print the result as one JSON object
  -h, --help             show this help

Exit codes: 0 no drift, 1 drift (or the API could not be read), 2 usage error.
`;

export const simulateHelp = `Usage: stripe-webhook-kit simulate --scenario <name> --forward-to <url> [options]

Plays Stripe's part in whole Checkout flows the way Stripe delivers them: signed as Stripe signs,
some events more than once (some copies at the same moment), out of order with --reorder, and
every non-2xx answer retried on Stripe's live-mode schedule (exponential backoff over three days),
compressed so that a minute of it takes a millisecond. The schedule comes from --seed: the same
seed replays the same schedule (the events are new each run). Ends within a minute; exit code 1
when an event never got a 2xx.

Scenarios (events for one order, sharing one Checkout Session):
  card             charge.succeeded, payment_intent.succeeded, checkout.session.completed (paid)
  async-succeeded  payment_intent.processing, checkout.session.completed (unpaid),
                   payment_intent.succeeded, checkout.session.async_payment_succeeded
  async-failed     payment_intent.processing, checkout.session.completed (unpaid),
                   payment_intent.payment_failed, checkout.session.async_payment_failed
  expired          checkout.session.expired

Options:
  --forward-to <url>     the webhook endpoint, e.g. localhost:8000/v1/webhook (http:// is implied)
  --secret <whsec_...>   the endpoint's signing secret (default: STRIPE_WEBHOOK_SECRET)
  --scenario <name>      card | async-succeeded | async-failed | expired; repeatable
  --count <n>            play each scenario for n orders (default 1)
  --order-id <id>        the order each flow is about (metadata.orderId); repeatable, one per flow
                         (default: made-up ids, which your app does not know)
  --seed <n>             the schedule's seed (default: random, printed at the end)
  --duplicates <share>   share of events delivered more than once, 0 to 1 (default 0)
  --reorder              deliver in a random order instead of created order
  --concurrency <n>      at most n requests in flight (default 1)
  --max-attempts <n>     deliveries per event copy, retries included (default 13, Stripe's three days)
  --json                 print one JSON object per delivery, then a summary object
  -h, --help             show this help

Example:
  stripe-webhook-kit simulate --forward-to localhost:8000/v1/webhook --scenario async-succeeded \\
    --order-id ord_123 --seed 7 --duplicates 0.5 --reorder --concurrency 4
`;

export const inboxHelp = `Usage: stripe-webhook-kit inbox <list|show|replay|stats|health> (--database-url <url> | --redis-url <url>) [options]

Reads the durable inbox of your app: the pg-boss inbox with --database-url (default: DATABASE_URL),
the BullMQ inbox with --redis-url. Run it in your app's folder: it uses the app's pg, pg-boss or
ioredis and bullmq packages.

Actions:
  stats                  count events by status
  list                   the newest events (filters below)
  show <event-id>        one event: payload, status, attempts with their errors
  replay <event-id>...   re-queue failed, dead and discarded events; or every one the filters
                         select (e.g. --status dead). Done events only with --include-done
  health                 counts, the oldest queued event's age, the last done time; exits 1 with
                         the problems (for cron jobs and CI smoke tests)

Options:
  --status <s[,s]>       queued, processing, done, failed, dead, discarded
  --type <event-type>    e.g. checkout.session.completed
  --object <id>          the event's data.object.id (a session, a payment intent...)
  --order <id>           the order reference: metadata.orderId, else client_reference_id
  --search <term>        an event id, object id or order id (exact match, any of the three)
  --since <when>         received since 30m, 24h, 7d, or an ISO date
  --limit <n>            list at most n events (default 50)
  --max-lag <duration>   health: the oldest queued event may wait this long (default 5m)
  --max-dead <n>         health: this many dead events are tolerated (default 0)
  --include-done         replay done events too: their handlers, and their writes, run again
  --queue <name>         the inbox's queue (default stripe-events)
  --table <name>         the pg-boss inbox's table (default stripe_inbox_events)
  --schema <name>        pg-boss's schema (default pgboss)
  --prefix <prefix>      the BullMQ key prefix (default bull)
  --json                 print JSON
  -h, --help             show this help
`;

export const consoleHelp = `Usage: stripe-webhook-kit console (--database-url <url> | --redis-url <url>) [options]

Serves the operator console of your app's durable inbox: every delivery with its status, filters,
one event's payload and attempts with their errors, and replay. The pg-boss inbox with
--database-url (default: DATABASE_URL), the BullMQ inbox with --redis-url. Run it in your app's
folder: it uses the app's pg, pg-boss or ioredis and bullmq packages.

It answers this machine only (loopback clients), also with --host 0.0.0.0: to open it to others,
mount createConsoleHandler in your app with an authorize function (see docs/console.md).

Options:
  --port <n>             the port to listen on (default 4000)
  --host <address>       the address to listen on (default 127.0.0.1)
  --read-only            show events, refuse every replay
  --queue <name>         the inbox's queue (default stripe-events)
  --table <name>         the pg-boss inbox's table (default stripe_inbox_events)
  --schema <name>        pg-boss's schema (default pgboss)
  --prefix <prefix>      the BullMQ key prefix (default bull)
  -h, --help             show this help
`;
