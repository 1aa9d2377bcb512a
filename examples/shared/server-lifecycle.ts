import type { ExampleConfig } from './config.js';
import type { CheckoutOptions } from './checkout-session.js';

/**
 * Prints the one line that tests and the demo wait for, then how to play Stripe's part.
 * With PORT=0 this is the only way to learn the port.
 */
export function announce(baseUrl: string): void {
  console.log(`listening on ${baseUrl}`);
  console.log(`webhook endpoint: ${baseUrl}/v1/webhook; POST ${baseUrl}/orders {"amount":2000,"email":"..."} to start an order`);
}

export function checkoutOptions(config: ExampleConfig, baseUrl: string): CheckoutOptions {
  return { stripeSecretKey: config.stripeSecretKey, publicUrl: config.publicUrl ?? baseUrl, webhookUrl: `${baseUrl}/v1/webhook` };
}

/** Closes the server and the database on Ctrl-C or `kill`, so that PostgreSQL sees a clean exit. */
export function stopOnSignal(stop: () => Promise<unknown>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
