import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that test databases, engines and processes rather than the Node line: they kill PostgreSQL
 * sessions, SIGKILL workers, restart servers, start the inbox engines and the example shops, and
 * take minutes. CI runs them once (`npm run
 * test:durability`), on one Node line, while the fast suite runs on every supported line.
 */
export const durabilityFiles = [
  'test/stores/multi-process/exactly-once.test.ts',
  'test/stores/multi-process/store-faults.test.ts',
  'test/stores/multi-process/crash-recovery.test.ts',
  'test/stores/transactional/crash-recovery.test.ts',
  'test/stores/postgres/completion-durability.test.ts',
  'test/stores/redis-store.test.ts',
  'test/handler/store-faults.test.ts',
  'test/inbox/pg-boss-transactional.test.ts',
  'test/integration/inbox-crash.test.ts',
  'test/integration/inbox-restart.test.ts',
  'test/integration/nest-inbox.test.ts',
  'test/catch-up/catch-up-processes.test.ts',
  'test/examples/express-orders.test.ts',
  // The inbox engines, the example shops and the guarantee matrix start pg-boss, BullMQ, worker
  // processes and servers: what they prove does not change with the Node line either.
  'test/inbox/pg-boss-inbox.test.ts',
  'test/inbox/ordering.test.ts',
  'test/inbox/dead-letter-hook.test.ts',
  'test/inbox/inbox-health.test.ts',
  'test/inbox/worker-deadline.test.ts',
  'test/catch-up/catch-up-inbox.test.ts',
  'test/guarantees/guarantee-matrix.test.ts',
  'test/examples/delivery-simulation.test.ts',
  'test/examples/demo.test.ts',
  'test/examples/fastify-orders.test.ts',
  'test/examples/hono-orders.test.ts',
  'test/examples/nest-orders.test.ts',
];

/**
 * Fast files whose checks are the TypeScript compiler's (the docs' snippets compiled against the
 * built package, the API reference's program), not Node's: what they prove is the same on every
 * Node line, so CI runs them in the fast suite on Node 20 only (`.ci/run` excludes them on the
 * newer lines).
 */
export const compilerFiles = ['test/docs/doc-snippets-compile.test.ts', 'test/docs/api-reference.test.ts'];

/** The operator console in a real browser (Chromium): once per CI run (`npm run test:browser`). */
export const browserFiles = ['test/console/browser.test.ts', 'test/console/health-banner-browser.test.ts'];

// Every other test file, including each new one, is in the fast suite (`npm run test:unit`). The
// type tests (*.test-d.ts) are plain TypeScript that `npm run typecheck` compiles with the rest of
// the project: a wrong type there fails tsc, so vitest does not compile them a second time.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          // Vitest's default, one worker fewer than the cores, is a single worker on a 2-core
          // machine, idle while a file waits on PostgreSQL, Redis or a child process. Every file
          // keeps its own names, tables and ports, so two may run side by side.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          // A project with its own maxWorkers runs as a group of its own: first, when a command
          // (`npx vitest run <file>`) selects files of several projects.
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...durabilityFiles, ...browserFiles],
        },
      },
      { extends: true, test: { name: 'durability', include: durabilityFiles, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'browser', include: browserFiles, sequence: { groupOrder: 1 } } },
    ],
  },
});
