// What every generator in scripts/ shares: write its file into src/generated/, or, with --check,
// compare instead and fail naming the stale file, so CI catches output nobody regenerated.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface GeneratedFile {
  /** Where it goes, relative to the repository (or absolute). */
  file: string;
  source: string;
  /** What the file holds, for the one line printed. */
  summary: string;
  /** The script that makes it, named in the fix for a stale file. */
  generator: string;
}

/** Writes the file, or with `check` compares it: `ok` is false when the committed file differs. */
export function writeOrCheck({ file, source, summary, generator }: GeneratedFile, check: boolean): { ok: boolean; message: string } {
  const path = resolve(root, file);
  const name = relative(root, path);
  if (!check) {
    writeFileSync(path, source);
    return { ok: true, message: `wrote ${name}: ${summary}` };
  }
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // A missing file is simply out of date.
  }
  if (current !== source) return { ok: false, message: `${name} is out of date: run npx tsx ${generator}` };
  return { ok: true, message: `${name} is up to date: ${summary}` };
}

/** The command line of a generator: `--check` compares, and the exit code says whether it matched. */
export function runGenerator(generated: GeneratedFile, argv: readonly string[] = process.argv): void {
  const { ok, message } = writeOrCheck(generated, argv.includes('--check'));
  if (ok) {
    console.log(message);
  } else {
    console.error(message);
    process.exitCode = 1;
  }
}

/** The installed stripe package's folder: its "exports" hide its package.json and .d.ts files, so it is found from the resolved entry. */
export function findStripeRoot(): string {
  let dir = dirname(createRequire(join(root, 'package.json')).resolve('stripe'));
  while (readName(join(dir, 'package.json')) !== 'stripe') {
    if (dirname(dir) === dir) throw new Error('cannot find the stripe package: run npm ci');
    dir = dirname(dir);
  }
  return dir;
}

function readName(file: string): string | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name : undefined;
}
