import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-types/', 'docs/', 'coverage/', '**/node_modules/', 'bench/.tmp/', 'bench/next/.next/', 'bench/next/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `async` on a function with no `await` is deliberate here: it turns a synchronous throw into
      // a rejection (the stores' methods, the router's per-handler wrapper) and Fastify wants its
      // plugin to return a promise.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // A doc snippet is one block of a page: what it defines, the page's next block or the reader's
    // app goes on to use (the handler to mount, the inbox to start a worker on).
    files: ['test/docs/snippets/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
