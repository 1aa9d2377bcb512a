// Nest 10 (CommonJS packages, Express 4, Fastify 4) against the packed tarball installed here: see ../smoke-lib.mjs.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import * as testing from '@nestjs/testing';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as kit from 'stripe-webhook-kit';
import * as kitNest from 'stripe-webhook-kit/nest';
import * as kitTesting from 'stripe-webhook-kit/testing';
import { runReadmeSnippet, runSmoke } from '../smoke-lib.mjs';

const { version } = JSON.parse(readFileSync(new URL('node_modules/@nestjs/core/package.json', import.meta.url), 'utf8'));
const label = `Nest ${version}`;
await runSmoke({
  label,
  common,
  core,
  testing,
  adapters: { express: () => new ExpressAdapter(), fastify: () => new FastifyAdapter() },
  kit,
  kitNest,
  kitTesting,
});
await runReadmeSnippet({ label, kitTesting, file: new URL('node_modules/.readme-snippet/nest.mjs', import.meta.url) });
