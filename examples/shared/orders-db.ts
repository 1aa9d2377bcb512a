// The orders table and every statement the examples run on it, written once for PGlite and
// PostgreSQL alike. Fulfillment is idempotent here, in the database: each transition is one
// conditional UPDATE that only matches the states it may leave, so a replayed or late event
// changes nothing, and a paid order never goes back.
import { randomUUID } from 'node:crypto';

export type OrderStatus = 'pending' | 'awaiting_payment' | 'paid' | 'payment_failed';

export interface Order {
  id: string;
  status: OrderStatus;
  /** In the currency's smallest unit (cents), as Stripe counts. */
  amount: number;
  currency: string;
  email: string;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  fulfilled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** What a transition did: `changed` is false when the order was already past it. */
export interface Transition {
  order: Order;
  changed: boolean;
}

export interface PaymentDetails {
  checkoutSessionId: string;
  paymentIntentId: string | null;
}

export interface OrdersDb {
  /**
   * The connection (a `pg` Pool, or PGlite) for other users of the same database, such as the
   * webhook kit's `postgresStore`.
   */
  readonly client: SqlClient;
  createOrder(input: { amount: number; currency: string; email: string }): Promise<Order>;
  attachCheckoutSession(orderId: string, checkoutSessionId: string): Promise<void>;
  getOrder(orderId: string, db?: SqlClient): Promise<Order | undefined>;
  listOrders(): Promise<Order[]>;
  /**
   * pending -> awaiting_payment. `undefined`: no such order. The transitions take the webhook's
   * `ctx.db` when there is one, so the change commits with the event's done mark, exactly once.
   */
  markAwaitingPayment(orderId: string, payment: PaymentDetails, db?: SqlClient): Promise<Transition | undefined>;
  /** pending | awaiting_payment | payment_failed -> paid, setting fulfilled_at once. */
  markPaid(orderId: string, payment: PaymentDetails, db?: SqlClient): Promise<Transition | undefined>;
  /** pending | awaiting_payment -> payment_failed; never from paid. */
  markPaymentFailed(orderId: string, payment: PaymentDetails, db?: SqlClient): Promise<Transition | undefined>;
  close(): Promise<void>;
}

/** The part of `pg.Pool` and of `PGlite` used here: both take `$1` parameters and return rows. */
export interface SqlClient {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

const schema = `
  CREATE TABLE IF NOT EXISTS orders (
    id                  text PRIMARY KEY,
    status              text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'awaiting_payment', 'paid', 'payment_failed')),
    amount              integer NOT NULL CHECK (amount > 0),
    currency            text NOT NULL,
    email               text NOT NULL,
    checkout_session_id text,
    payment_intent_id   text,
    fulfilled_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
  )`;

// Each transition lists the states it may leave. Everything else (already there, or further on)
// matches no row, which is how duplicates and out-of-order deliveries become no-ops.
const transitions = {
  awaitingPayment: `
    UPDATE orders SET status = 'awaiting_payment', checkout_session_id = $2, payment_intent_id = COALESCE($3, payment_intent_id), updated_at = now()
    WHERE id = $1 AND status = 'pending'
    RETURNING *`,
  // A payment_failed order may still be paid: the customer can pay again in a new Checkout Session.
  paid: `
    UPDATE orders SET status = 'paid', fulfilled_at = now(), checkout_session_id = $2, payment_intent_id = COALESCE($3, payment_intent_id), updated_at = now()
    WHERE id = $1 AND status IN ('pending', 'awaiting_payment', 'payment_failed')
    RETURNING *`,
  paymentFailed: `
    UPDATE orders SET status = 'payment_failed', checkout_session_id = $2, payment_intent_id = COALESCE($3, payment_intent_id), updated_at = now()
    WHERE id = $1 AND status IN ('pending', 'awaiting_payment')
    RETURNING *`,
};

/**
 * Opens the orders database: PostgreSQL at `databaseUrl` through `pg`, else PGlite in memory.
 * Creates the table when it is missing.
 */
export async function openOrdersDb(databaseUrl: string | undefined): Promise<OrdersDb> {
  const { client, close } = databaseUrl ? await connectPostgres(databaseUrl) : await startPglite();
  await client.query(schema);

  const transition = async (sql: string, orderId: string, payment: PaymentDetails, db: SqlClient = client): Promise<Transition | undefined> => {
    const { rows } = await db.query<Order>(sql, [orderId, payment.checkoutSessionId, payment.paymentIntentId]);
    if (rows[0]) return { order: rows[0], changed: true };
    const order = await getOrder(orderId, db);
    return order && { order, changed: false };
  };
  const getOrder = async (orderId: string, db: SqlClient = client) => (await db.query<Order>('SELECT * FROM orders WHERE id = $1', [orderId])).rows[0];

  return {
    client,
    async createOrder({ amount, currency, email }) {
      const id = `ord_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      const { rows } = await client.query<Order>('INSERT INTO orders (id, amount, currency, email) VALUES ($1, $2, $3, $4) RETURNING *', [id, amount, currency, email]);
      return rows[0] as Order;
    },
    async attachCheckoutSession(orderId, checkoutSessionId) {
      await client.query('UPDATE orders SET checkout_session_id = $2, updated_at = now() WHERE id = $1', [orderId, checkoutSessionId]);
    },
    getOrder,
    async listOrders() {
      return (await client.query<Order>('SELECT * FROM orders ORDER BY created_at, id')).rows;
    },
    markAwaitingPayment: (orderId, payment, db) => transition(transitions.awaitingPayment, orderId, payment, db),
    markPaid: (orderId, payment, db) => transition(transitions.paid, orderId, payment, db),
    markPaymentFailed: (orderId, payment, db) => transition(transitions.paymentFailed, orderId, payment, db),
    close,
  };
}

async function connectPostgres(databaseUrl: string) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // Without it, an idle connection dropped by a PostgreSQL restart crashes the app.
  pool.on('error', (error) => console.warn('[orders-db] idle PostgreSQL client failed:', error.message));
  return { client: pool as SqlClient, close: () => pool.end() };
}

async function startPglite() {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  return { client: db as SqlClient, close: () => db.close() };
}
