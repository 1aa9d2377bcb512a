import { defineConfig } from 'tsup';

// One entry per public subpath (see package.json "exports").
export const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'express/index': 'src/adapters/express.ts',
  'fastify/index': 'src/adapters/fastify.ts',
  'nest/index': 'src/adapters/nest/index.ts',
  'web/index': 'src/adapters/web.ts',
  'postgres/index': 'src/stores/postgres-store.ts',
  'redis/index': 'src/stores/redis-store.ts',
  'pg-boss/index': 'src/inbox/pg-boss/index.ts',
  'bullmq/index': 'src/inbox/bullmq/index.ts',
};

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    // Shared code goes into chunks, so every subpath sees one copy of the core.
    splitting: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: ['stripe', 'express', 'fastify', 'bullmq', /^@nestjs\//, 'reflect-metadata', 'rxjs'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // The inbox commands load the app's own engine packages; the kit ships none of them.
    external: ['pg', 'pg-boss', 'ioredis', 'bullmq'],
  },
]);
