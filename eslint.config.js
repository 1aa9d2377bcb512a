import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The parts of src/, lowest first. A part imports only from parts below it (type-only imports
 * included), so that each can be read, tested and moved without the ones above it. The root files
 * (types.ts, logger.ts, describe-error.ts, ...) are the floor every part stands on; src/entries/,
 * one file per public subpath, is the roof. ARCHITECTURE.md draws the same picture.
 */
const layers = [
  ['generated'],
  ['verify'],
  ['router'],
  ['stores', 'telemetry'],
  ['processing'],
  ['inbox'],
  ['handler'],
  ['trusted', 'catch-up', 'testing'],
  ['adapters', 'console'],
  ['cli'],
  ['entries'],
];
const folder = (part) => `./src/${part}`;
const importBoundaries = [
  // The floor imports no part.
  { target: './src/*.ts', from: layers.flat().map(folder), message: 'A root file of src/ is the floor every part imports: it imports no part.' },
  ...layers.flatMap((parts, level) =>
    parts.map((part) => ({
      target: folder(part),
      from: [...layers.slice(level + 1).flat(), ...parts.filter((other) => other !== part)].map(folder),
      message: `src/${part} stands below these parts (see ARCHITECTURE.md): move what both need down to the lowest part that uses it.`,
    })),
  ),
].filter((zone) => zone.from.length > 0);

export default tseslint.config(
  // tsup.config.bundled_*.mjs: the build's own copy of its config, made and removed while `npm test`
  // lints beside it (a lint that listed it then found it gone failed).
  { ignores: ['dist/', 'dist-types/', 'docs/', 'coverage/', '**/node_modules/', 'bench/.tmp/', 'bench/next/.next/', 'bench/next/next-env.d.ts', 'scripts/*.d.mts', 'tsup.config.bundled_*'] },
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
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      // `async` on a function with no `await` is deliberate here: it turns a synchronous throw into
      // a rejection (the stores' methods, the router's per-handler wrapper) and Fastify wants its
      // plugin to return a promise.
      '@typescript-eslint/require-await': 'off',
      'import-x/no-restricted-paths': ['error', { zones: importBoundaries }],
      'import-x/no-cycle': 'error',
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
