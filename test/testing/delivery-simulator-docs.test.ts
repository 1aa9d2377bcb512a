// docs/delivery-simulator.md shows the example app and its test in full: each block marked
// `<!-- file: NAME -->` must equal test/testing/docs-example/NAME, which the suite type-checks
// and runs, so the page cannot drift from code that works.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const page = readFileSync(new URL('docs/delivery-simulator.md', root), 'utf8');
const blocks = [...page.matchAll(/<!-- file: ([\w.-]+) -->\n```ts\n([\s\S]*?)```/g)].map((match) => [match[1] as string, match[2] as string] as const);

describe('docs/delivery-simulator.md', () => {
  it('shows the example app and its vitest file', () => {
    expect(blocks.map(([name]) => name)).toEqual(['app.ts', 'orders.simulation.test.ts']);
  });

  it.each(blocks)('%s is the file the test suite runs', (name, code) => {
    expect(code).toBe(readFileSync(new URL(`test/testing/docs-example/${name}`, root), 'utf8'));
  });
});
