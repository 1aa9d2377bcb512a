// The same smoke test through the CommonJS build (`require`), as a TypeScript app compiled to
// CommonJS loads the kit: see ../smoke-lib.mjs.
require('reflect-metadata');
const common = require('@nestjs/common');
const core = require('@nestjs/core');
const testing = require('@nestjs/testing');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const kit = require('stripe-webhook-kit');
const kitNest = require('stripe-webhook-kit/nest');
const kitTesting = require('stripe-webhook-kit/testing');

// By file path: Nest 12's `exports` may not list package.json.
const { version } = require('./node_modules/@nestjs/core/package.json');
import('../smoke-lib.mjs').then(({ runSmoke }) =>
  runSmoke({
    label: `Nest ${version} (require)`,
    common,
    core,
    testing,
    adapters: { express: () => new ExpressAdapter(), fastify: () => new FastifyAdapter() },
    kit,
    kitNest,
    kitTesting,
  }),
);
