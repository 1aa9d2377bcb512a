// docs/telemetry.md and docs/troubleshooting-errors.md: each code block marked
// `<!-- snippet: NAME -->` must equal test/docs/<folder>/NAME.ts, which the typecheck compiles.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

describe.each([
  ['docs/telemetry.md', 'telemetry'],
  ['docs/troubleshooting-errors.md', 'troubleshooting'],
])('%s snippets', (page, folder) => {
  const text = readFileSync(new URL(page, root), 'utf8');
  const marked = [...text.matchAll(/<!-- snippet: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)].map((match) => [match[1] as string, match[2] as string] as const);
  const files = readdirSync(new URL(`test/docs/${folder}/`, root)).filter((name) => name.endsWith('.ts'));

  it.each(marked)('%s matches its compiled copy', (name, code) => {
    expect(code).toBe(readFileSync(new URL(`test/docs/${folder}/${name}.ts`, root), 'utf8'));
  });

  it('has a block for every snippet file, and a file for every block', () => {
    expect(marked.length).toBeGreaterThan(0);
    expect(files.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual(marked.map(([name]) => name).sort());
  });
});
