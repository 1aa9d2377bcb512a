// Every relative link in README.md and docs/*.md leads to a file of the repository, and every
// `#anchor` to a heading of the page it names (GitHub's slugs): the docs map cannot point nowhere.
// TypeDoc does not check paths (typedoc.config.mjs: validation.invalidPath), so that the pages other
// changes are writing can be linked before they land; they are listed here until then.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const pending = ['reliability', 'inbox', 'delivery-simulator', 'nestjs', 'thin-events', 'catch-up'].map((name) => `docs/${name}.md`);
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** The links of a page, outside code blocks. */
function linksOf(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string).filter((target) => !/^[a-z]+:/i.test(target));
}

/** GitHub's anchors for a page's headings. */
function anchorsOf(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
    (match[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
}

describe('documentation links', () => {
  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const broken = linksOf(page).filter((link) => {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), path));
      if (!existsSync(join(root, target))) return !pending.includes(target);
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).includes(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('the README maps every page of docs/', () => {
    const mapped = linksOf('README.md').map((link) => link.split('#')[0]);
    const unmapped = pages.filter((page) => page.startsWith('docs/') && !mapped.includes(page));
    expect(unmapped).toEqual([]);
  });
});
