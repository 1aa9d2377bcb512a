import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { orderReference, type TransactionClient } from 'stripe-webhook-kit';

interface Database {
  orders: { id: string; status: string };
}

function kyselyOn<DB>(db: TransactionClient): Kysely<DB> {
  const pool = {
    connect: async () => ({ query: (text: string, params: readonly unknown[]) => db.query(text, [...params]), release: () => {} }),
    end: async () => {},
  } as unknown as PostgresPool;
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

router.onCheckoutPaid(async (session, _event, ctx) => {
  const orderId = orderReference(session);
  await kyselyOn<Database>(ctx.db!).updateTable('orders').set({ status: 'paid' }).where('id', '=', orderId).execute();
});
