// The smoke test's ESM entry, one for every Nest major: run.sh copies it into
// <major>/node_modules/.smoke/, where `import` resolves that major's Nest and the packed kit
// through their `exports` as a user's ESM app would. See smoke-lib.mjs.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import * as testing from '@nestjs/testing';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as rxjs from 'rxjs';
import * as bullmq from 'bullmq';
import { Redis } from 'ioredis';
import * as kit from 'stripe-webhook-kit';
import * as kitNest from 'stripe-webhook-kit/nest';
import * as kitTesting from 'stripe-webhook-kit/testing';
import * as kitBullmq from 'stripe-webhook-kit/bullmq';
import { runGuideApp, runSmoke } from '../../../smoke-lib.mjs';

// By file path: Nest 12's `exports` may not list package.json.
const { version } = JSON.parse(readFileSync(new URL('../@nestjs/core/package.json', import.meta.url), 'utf8'));
const label = `Nest ${version}`;
await runSmoke({
  label,
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
});
await runGuideApp({ label, kitTesting, file: new URL('guide-app.mjs', import.meta.url) });
