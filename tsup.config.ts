import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { linkSharedCore, sharedCore } from './scripts/shared-core-plugin.js';

// One entry per public subpath (see package.json "exports").
export const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'express/index': 'src/adapters/express.ts',
  'fastify/index': 'src/adapters/fastify.ts',
  'nest/index': 'src/adapters/nest/index.ts',
  'web/index': 'src/adapters/web.ts',
  'sqlite/index': 'src/stores/sqlite-store.ts',
  'postgres/index': 'src/stores/postgres-store.ts',
  'redis/index': 'src/stores/redis-store.ts',
  'pg-boss/index': 'src/inbox/pg-boss/index.ts',
  'bullmq/index': 'src/inbox/bullmq/index.ts',
  'console/index': 'src/console/index.ts',
};

/**
 * Stripe's example objects are MIT-licensed: their notice must travel with every bundle that
 * contains them (dist/testing, dist/cli.js), also when someone copies a bundle alone. esbuild
 * keeps `/*!` comments (at the end of the file), so the module that holds them gets one, whoever
 * generates it and wherever it lives.
 */
const stripeNotice: Plugin = {
  name: 'stripe-example-objects-notice',
  setup(build) {
    build.onLoad({ filter: /example-objects\.ts$/ }, async ({ path }) => {
      const licence = (await readFile('test/fixtures/LICENSE-stripe-openapi', 'utf8')).trim().replaceAll('*/', '* /');
      const notice = `/*! Example API objects from Stripe's OpenAPI fixtures (https://github.com/stripe/openapi),\n * see THIRD-PARTY-NOTICES.md. @license MIT\n\n${licence}\n*/\n`;
      return { contents: notice + (await readFile(path, 'utf8')), loader: 'ts' };
    });
  },
};

/**
 * tsup's CJS chunks go through a second transform that writes absolute paths of the build machine
 * into their maps (`file` and the first of `sources`). Maps in the package hold paths relative to
 * the map only. (The two builds below run at once: each rewrites its own maps.)
 */
async function relativeSourceMaps(mine: (name: string) => boolean): Promise<void> {
  for (const entry of await readdir('dist', { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.map') || !mine(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const map = JSON.parse(await readFile(file, 'utf8')) as { file?: string; sources: string[] };
    const local = (path: string) => (isAbsolute(path) ? relative(dirname(file), path).split('\\').join('/') : path);
    map.sources = map.sources.map(local);
    if (map.file !== undefined) map.file = basename(map.file);
    await writeFile(file, JSON.stringify(map));
  }
}

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    // The router's types name AggregateError (ES2021): the reference makes them compile in a
    // project whose `lib` is older, without skipLibCheck. Node >= 20 has it at run time.
    dts: { banner: '/// <reference lib="es2021.promise" />' },
    // The core is one file, dist/internal.(c)js, that every subpath imports (see
    // scripts/shared-core-plugin.ts); code shared by subpaths only goes into chunks.
    splitting: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: ['stripe', 'express', 'fastify', 'bullmq', /^@nestjs\//, 'reflect-metadata', 'rxjs', '@opentelemetry/api'],
    esbuildPlugins: [stripeNotice, sharedCore(entries.index)],
    onSuccess: async () => {
      await linkSharedCore('dist');
      await relativeSourceMaps((name) => name !== 'cli.js.map');
    },
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    esbuildPlugins: [stripeNotice],
    onSuccess: () => relativeSourceMaps((name) => name === 'cli.js.map'),
    // The inbox commands load the app's own engine packages; the kit ships none of them.
    external: ['pg', 'pg-boss', 'ioredis', 'bullmq'],
  },
]);
