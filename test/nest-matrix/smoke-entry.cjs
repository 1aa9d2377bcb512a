// The smoke test through the CommonJS build (`require`), as a TypeScript app compiled to
// CommonJS loads the kit; one for every Nest major, copied by run.sh into
// <major>/node_modules/.smoke/. See smoke-lib.mjs.
require('reflect-metadata');
const common = require('@nestjs/common');
const core = require('@nestjs/core');
const testing = require('@nestjs/testing');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const rxjs = require('rxjs');
const bullmq = require('bullmq');
const { Redis } = require('ioredis');
const kit = require('stripe-webhook-kit');
const kitNest = require('stripe-webhook-kit/nest');
const kitTesting = require('stripe-webhook-kit/testing');
const kitBullmq = require('stripe-webhook-kit/bullmq');

// By file path: Nest 12's `exports` may not list package.json.
const { version } = require('../@nestjs/core/package.json');
import('../../../smoke-lib.mjs').then(({ runSmoke }) =>
  runSmoke({
    label: `Nest ${version} (require)`,
    major: Number(version.split('.')[0]),
    common,
    core,
    testing,
    rxjs,
    adapters: { express: () => new ExpressAdapter(), fastify: () => new FastifyAdapter() },
    kit,
    kitNest,
    kitTesting,
    kitBullmq,
    bullmq,
    Redis,
  }),
);
