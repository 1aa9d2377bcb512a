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
    external: ['stripe', 'express', 'fastify', /^@nestjs\//, 'reflect-metadata', 'rxjs', '@opentelemetry/api'],
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
