router.onCheckoutPaid(async (session, _event, ctx) => {
  await ctx.db!.query('INSERT INTO shipments (order_id) VALUES ($1)', [session.metadata!.orderId]);
});
