// The code blocks marked `<!-- snippet: NAME -->` in README.md and in every docs/*.md page must
// equal test/docs/snippets/NAME.ts (or the copy named in `elsewhere`), which
// doc-snippets-compile.test.ts compiles against the built package: the docs cannot drift from the code. Pages are found by glob,
// so a page added to docs/ is covered at once. Every other TypeScript block must say that it is a
// fragment (`<!-- fragment -->`): a block is compiled unless someone decided it cannot be.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const pages = ['README.md', ...readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const marked = pages.flatMap((page) =>
  [...read(page).matchAll(/<!-- snippet: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)].map((match) => [match[1] as string, page, match[2] as string] as const),
);
const files = readdirSync(new URL('test/docs/snippets/', root))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')) // prelude.d.ts declares, it is not shown
  .map((name) => name.replace(/\.ts$/, ''));

/**
 * Snippets kept where something else runs them: the Nest matrix compiles and runs the guide's app;
 * the suite runs the delivery simulator's example app and its test; the runtime job
 * (test/runtimes/run.sh) runs each runtime's app on that runtime.
 */
const elsewhere: Record<string, string> = {
  'guide-app': 'test/nest-matrix/guide-app.ts',
  'simulator-app': 'test/testing/docs-example/app.ts',
  'simulator-test': 'test/testing/docs-example/orders.simulation.test.ts',
  'runtime-bun': 'test/runtimes/apps/bun-server.ts',
  'runtime-deno': 'test/runtimes/apps/deno-server.ts',
  'runtime-worker': 'test/runtimes/apps/worker.ts',
  'runtime-next-edge': 'test/runtimes/apps/next-route.ts',
  'runtime-node': 'test/runtimes/apps/node-server.ts',
};
const copyOf = (name: string) => elsewhere[name] ?? `test/docs/snippets/${name}.ts`;

describe('documentation snippets', () => {
  it('marks at least the quickstart, in the README', () => {
    expect(marked.filter(([, page]) => page === 'README.md').map(([name]) => name)).toContain('quickstart');
  });

  it('names each snippet once across all pages', () => {
    const names = marked.map(([name]) => name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it.each(marked)('%s (%s) matches its compiled copy', (name, _page, code) => {
    expect(code).toBe(read(copyOf(name)));
  });

  it('has a block for every snippet file', () => {
    expect(files.filter((name) => !marked.some(([marks]) => marks === name))).toEqual([]);
  });

  it('compiles every TypeScript block, except the ones marked as fragments', () => {
    const unmarked = pages.flatMap((page) =>
      read(page)
        .split('\n')
        .flatMap((line, index, lines) => (line === '```ts' && !/^<!-- (snippet: [\w-]+|fragment) -->$/.test(lines[index - 1] ?? '') ? [`${page}:${index + 1}`] : [])),
    );
    expect(unmarked).toEqual([]);
  });

  it('fails fast on a missing secret instead of defaulting it', () => {
    const defaulted = marked.filter(([, , code]) => /process\.env\.\w+ \?\? ''/.test(code)).map(([name]) => name);
    expect(defaulted).toEqual([]);
  });
});
