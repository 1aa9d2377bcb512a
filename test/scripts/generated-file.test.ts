import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root, writeOrCheck } from '../../scripts/generated-file.js';

describe('writeOrCheck', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  function generated(source: string) {
    const dir = mkdtempSync(join(tmpdir(), 'swk-generated-'));
    dirs.push(dir);
    return { file: join(dir, 'list.ts'), source, summary: '2 items', generator: 'scripts/generate-list.ts' };
  }

  it('writes the file without --check', () => {
    const file = generated('export const list = [1, 2];\n');
    expect(writeOrCheck(file, false)).toEqual({ ok: true, message: `wrote ${relative(root, file.file)}: 2 items` });
    expect(readFileSync(file.file, 'utf8')).toBe(file.source);
  });

  it('with --check, passes when the committed file is what the generator makes', () => {
    const file = generated('export const list = [1, 2];\n');
    writeFileSync(file.file, file.source);
    expect(writeOrCheck(file, true).ok).toBe(true);
  });

  it('with --check, fails naming the stale file and the command that fixes it, and leaves the file alone', () => {
    const file = generated('export const list = [1, 2];\n');
    writeFileSync(file.file, 'export const list = [1];\n');
    expect(writeOrCheck(file, true)).toEqual({ ok: false, message: `${relative(root, file.file)} is out of date: run npx tsx scripts/generate-list.ts` });
    expect(readFileSync(file.file, 'utf8')).toBe('export const list = [1];\n');
  });

  it('with --check, fails when the file is missing', () => {
    expect(writeOrCheck(generated('x\n'), true).ok).toBe(false);
  });
});
