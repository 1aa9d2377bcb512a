// The README's code blocks marked `<!-- snippet: NAME -->` must equal test/docs/snippets/NAME.ts,
// which the typecheck compiles against the real source: the docs cannot drift from the code.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const marked = [...readme.matchAll(/<!-- snippet: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)].map((match) => [match[1] as string, match[2] as string] as const);
const files = readdirSync(new URL('test/docs/snippets/', root)).filter((name) => name.endsWith('.ts'));

describe('README snippets', () => {
  it('marks at least the quickstart', () => {
    expect(marked.map(([name]) => name)).toContain('quickstart');
  });

  it.each(marked)('%s matches its compiled copy', (name, code) => {
    expect(code).toBe(readFileSync(new URL(`test/docs/snippets/${name}.ts`, root), 'utf8'));
  });

  it('has a README block for every snippet file', () => {
    expect(files.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual(marked.map(([name]) => name).sort());
  });
});
