// Fails on what Workers and edge runtimes refuse in a bundle: an import whose specifier is not a
// string literal ("dynamic module specifiers are unsupported"), or a node: built-in.
import { readFileSync } from 'node:fs';

const refused = [
  [/\bimport\s*\(\s*(?:\/\*[\s\S]*?\*\/\s*)*(?!["'`])[^)]{0,40}/g, 'an import with a computed specifier'],
  [/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']node:[\w/]+["']/g, 'a node: built-in'],
];
let found = 0;
for (const file of process.argv.slice(2)) {
  const code = readFileSync(file, 'utf8');
  for (const [pattern, what] of refused) {
    for (const match of code.matchAll(pattern)) {
      found++;
      console.error(`${file}: ${what}: ${match[0].replace(/\s+/g, ' ')}`);
    }
  }
}
process.exitCode = found === 0 ? 0 : 1;
