// docs/thin-events.md's code blocks marked `<!-- snippet: NAME -->` must equal
// test/docs/thin-events/NAME.ts, which the typecheck compiles against the real source.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const page = readFileSync(new URL('docs/thin-events.md', root), 'utf8');
const marked = [...page.matchAll(/<!-- snippet: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)].map((match) => [match[1] as string, match[2] as string] as const);
const files = readdirSync(new URL('test/docs/thin-events/', root)).filter((name) => name.endsWith('.ts'));

describe('docs/thin-events.md snippets', () => {
  it.each(marked)('%s matches its compiled copy', (name, code) => {
    expect(code).toBe(readFileSync(new URL(`test/docs/thin-events/${name}.ts`, root), 'utf8'));
  });

  it('has a block for every snippet file', () => {
    expect(files.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual(marked.map(([name]) => name).sort());
  });
});
