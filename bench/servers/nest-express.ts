// Nest 11 on Express, for bench/http.ts: `node --import tsx bench/servers/nest-express.ts <variant>`.
import { NestFactory } from '@nestjs/core';
import { nestAppFor } from './nest-app.js';
import { announce, portOf, readVariant } from './shared.js';

const { module, rawBody } = nestAppFor(readVariant());
const app = await NestFactory.create(module, { rawBody, logger: false });
await app.listen(0, '127.0.0.1');
announce(portOf(app.getHttpServer()));
