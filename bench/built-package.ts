// Every row measures the built package (dist/), as a user's app runs it: a stale build would
// measure old code, and `src/` under tsx is not what users run (tsx compiles with esbuild's
// keepNames, which wraps each named function made per call in one more call).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Throws, naming the fix, when dist/ is missing or older than a file in src/, or when this process
 * resolves `stripe-webhook-kit` to src/ (run without `npm run bench`'s TSX_TSCONFIG_PATH).
 */
export function assertBuiltPackage(): void {
  const built = join(root, 'dist/index.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before the bench');
  const builtAt = statSync(built).mtimeMs;
  const newer = sourceFiles(join(root, 'src')).find((file) => statSync(file).mtimeMs > builtAt);
  if (newer) throw new Error(`dist/ is older than ${relative(root, newer)}: run \`npm run build\` before the bench`);
  const resolved = fileURLToPath(import.meta.resolve('stripe-webhook-kit'));
  if (resolved !== built) throw new Error(`stripe-webhook-kit resolves to ${relative(root, resolved)}, not dist/: run the bench with \`npm run bench\``);
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : [path];
  });
}
