// Orders paid through Stripe Checkout, on NestJS 11 (Express platform).
// Run: node --import tsx examples/nest-orders/server.ts
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../shared/config.js';
import { openOrdersDb } from '../shared/orders-db.js';
import { announce, stopOnSignal } from '../shared/server-lifecycle.js';
import { AppModule } from './app.module.js';
import { OrdersController } from './orders.controller.js';

const config = loadConfig();
const orders = await openOrdersDb(config.databaseUrl);
// Nest's own start-up lines would bury the one line that says where the app listens.
const app = await NestFactory.create(AppModule.register(config, orders), { logger: ['error', 'warn'] });
await app.listen(config.port, config.host);

const address = app.getHttpServer().address() as { port: number };
OrdersController.baseUrl = `http://${config.host}:${address.port}`;
announce(OrdersController.baseUrl);
stopOnSignal(async () => {
  await app.close();
  await orders.close();
});
