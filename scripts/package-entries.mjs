// The package's public entries are listed once, in package.json's `exports`. Each subpath's source
// is the file of the same name in src/entries/ (`.` is src/entries/index.ts), and its build is
// dist/<subpath>/index.*: the build (tsup.config.ts), the API docs (typedoc.config.mjs), the
// type paths of the tests and the checks all derive their lists from here.
import { readFileSync } from 'node:fs';

/** The public subpaths, without `./package.json`: `['.', './testing', './express', ...]`. */
export function publicSubpaths(root = '.') {
  const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  return Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');
}

/** The source file of a subpath: `.` -> `src/entries/index.ts`, `./express` -> `src/entries/express.ts`. */
export function entrySource(subpath) {
  return subpath === '.' ? 'src/entries/index.ts' : `src/entries/${subpath.slice(2)}.ts`;
}

/** tsup's entry map: `{ index: 'src/entries/index.ts', 'express/index': 'src/entries/express.ts', ... }`. */
export function buildEntries(root = '.') {
  return Object.fromEntries(publicSubpaths(root).map((subpath) => [subpath === '.' ? 'index' : `${subpath.slice(2)}/index`, entrySource(subpath)]));
}
