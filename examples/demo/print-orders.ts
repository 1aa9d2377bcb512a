/** An order as `GET /orders` returns it (dates as ISO strings). */
export interface OrderRow {
  id: string;
  status: string;
  amount: number;
  currency: string;
  email: string;
  fulfilled_at: string | null;
  updated_at: string;
}

/** Prints the orders as an aligned plain-text table. */
export function printOrders(orders: readonly OrderRow[]): void {
  const time = (iso: string | null) => (iso === null ? '-' : iso.slice(11, 23));
  const rows = [
    ['id', 'status', 'amount', 'email', 'fulfilled_at', 'updated_at'],
    ...orders.map((order) => [order.id, order.status, `${(order.amount / 100).toFixed(2)} ${order.currency}`, order.email, time(order.fulfilled_at), time(order.updated_at)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
}
