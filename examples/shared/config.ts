import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What every example reads from the environment (see examples/.env.example). */
export interface ExampleConfig {
  /** 0 picks a free port; the server prints the URL it got. */
  port: number;
  host: string;
  /** The endpoint's signing secret: from the Dashboard, from `stripe listen`, or any whsec_ value offline. */
  webhookSecret: string;
  /** Set: Checkout Sessions are created with the real Stripe API. Unset: locally, offline. */
  stripeSecretKey: string | undefined;
  /** Set: PostgreSQL through `pg`. Unset: PGlite, an embedded PostgreSQL in this process. */
  databaseUrl: string | undefined;
  /** Where Stripe Checkout sends the customer back to. */
  publicUrl: string | undefined;
}

/**
 * Reads the configuration, after loading examples/.env if there is one. Variables already set in
 * the environment win over the file, so a test or a shell can override any of them.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const envFile = fileURLToPath(new URL('../.env', import.meta.url));
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);

  const webhookSecret = nonEmpty(env.STRIPE_WEBHOOK_SECRET);
  if (webhookSecret === undefined) {
    exitWith(
      'STRIPE_WEBHOOK_SECRET is not set. Copy examples/.env.example to examples/.env, or export it: ' +
        'offline any whsec_ value works (use the same one with stripe-webhook-kit trigger); with `stripe listen`, use the secret it prints.',
    );
  }
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) exitWith(`PORT must be a port number (0 for any free port), got "${env.PORT}"`);
  return {
    port,
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    webhookSecret,
    stripeSecretKey: nonEmpty(env.STRIPE_SECRET_KEY),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    publicUrl: nonEmpty(env.PUBLIC_URL),
  };
}

// An empty variable (`DATABASE_URL=`) means "not set", so it can switch a default back on.
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function exitWith(message: string): never {
  console.error(message);
  process.exit(1);
}
