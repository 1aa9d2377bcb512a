// Nest 11 on Fastify, for bench/http.ts: `node --import tsx bench/servers/nest-fastify.ts <variant>`.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { nestAppFor } from './nest-app.js';
import { announce, portOf, readVariant } from './shared.js';

const { module, rawBody } = nestAppFor(readVariant());
const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { rawBody, logger: false });
await app.listen(0, '127.0.0.1');
announce(portOf(app.getHttpServer()));
