import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import type { ExampleConfig } from '../shared/config.js';
import type { OrdersDb } from '../shared/orders-db.js';
import { OrderInputError, placeOrder } from '../shared/place-order.js';
import { checkoutOptions } from '../shared/server-lifecycle.js';
import { EXAMPLE_CONFIG, ORDERS_DB } from './tokens.js';

/** Where the shop's own API lives; the webhook route is the module's own controller. */
@Controller('orders')
export class OrdersController {
  /** Set once the server listens (the port may have been 0). */
  static baseUrl = '';

  constructor(
    @Inject(ORDERS_DB) private readonly orders: OrdersDb,
    @Inject(EXAMPLE_CONFIG) private readonly config: ExampleConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    try {
      return await placeOrder(this.orders, body, checkoutOptions(this.config, OrdersController.baseUrl));
    } catch (error) {
      if (error instanceof OrderInputError) throw new BadRequestException({ error: 'invalid_order', message: error.message });
      throw error;
    }
  }

  @Get()
  async list() {
    return { orders: await this.orders.listOrders() };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const order = await this.orders.getOrder(id);
    if (order === undefined) throw new NotFoundException({ error: 'order_not_found' });
    return { order };
  }
}
