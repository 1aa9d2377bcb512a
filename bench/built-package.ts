// The HTTP servers run the built package (dist/): a stale build would measure old code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Throws, naming the fix, when dist/ is missing or older than a file in src/. */
export function assertBuiltPackage(): void {
  const built = join(root, 'dist/index.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before the HTTP bench');
  const builtAt = statSync(built).mtimeMs;
  const newer = sourceFiles(join(root, 'src')).find((file) => statSync(file).mtimeMs > builtAt);
  if (newer) throw new Error(`dist/ is older than ${relative(root, newer)}: run \`npm run build\` before the HTTP bench`);
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : [path];
  });
}
