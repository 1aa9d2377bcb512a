// The build's shared core: the built package loads its core as one file, every subpath reaches
// that same file by a relative path, and a build whose core modules export one name twice fails.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedCore } from '../../scripts/shared-core-plugin.js';
import { root, runProcess } from '../support/run-cli.js';

const dist = join(root, 'dist');

describe('the built package (dist/)', () => {
  it('loads the core from CommonJS as dist/index.cjs and dist/internal.cjs, besides the runtime-helper chunk', async () => {
    const script = "require('./dist/index.cjs'); console.log(JSON.stringify(Object.keys(require.cache).map((file) => require('node:path').relative(process.cwd(), file))));";
    const result = await runProcess(process.execPath, ['-e', script], { cwd: root });
    expect(result.stderr).toBe('');
    const loaded = (JSON.parse(result.stdout) as string[]).filter((file) => file.startsWith('dist/'));
    expect(loaded.filter((file) => !/^dist\/chunk-\w+\.cjs$/.test(file))).toEqual(['dist/index.cjs', 'dist/internal.cjs']);
    expect(loaded.length).toBeLessThanOrEqual(3);
  });

  it('imports the core from every file by a relative path that exists, and leaves no "#internal"', () => {
    const files = (readdirSync(dist, { recursive: true }) as string[]).filter((name) => /\.c?js$/.test(name));
    const linked = files.filter((name) => /internal\.c?js["']/.test(readFileSync(join(dist, name), 'utf8')));
    expect(linked).toEqual(expect.arrayContaining(['index.js', 'index.cjs', join('express', 'index.js'), join('web', 'index.cjs')]));
    for (const name of files) expect(readFileSync(join(dist, name), 'utf8'), name).not.toContain('#internal');
    for (const name of linked) {
      const code = readFileSync(join(dist, name), 'utf8');
      const extension = name.endsWith('.cjs') ? '.cjs' : '.js';
      const expected = name.includes('/') ? `"../internal${extension}"` : `"./internal${extension}"`;
      expect(code, name).toContain(expected);
    }
  });
});

describe('sharedCore', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  function sources(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'swk-plugin-'));
    dirs.push(dir);
    for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
    return dir;
  }
  const bundle = (dir: string) =>
    build({ entryPoints: { index: join(dir, 'index.ts'), extra: join(dir, 'extra.ts') }, bundle: true, splitting: true, format: 'esm', write: false, outdir: join(dir, 'out'), logLevel: 'silent', plugins: [sharedCore(join(dir, 'index.ts'))] });

  it('bundles the core once, as the internal entry, and points the other entries at it', async () => {
    const dir = sources({
      'index.ts': "export { a } from './a.js';\n",
      'a.ts': "export class a {}\nexport const marker = 'core-a';\n",
      'extra.ts': "import { a } from './a.js';\nexport const extra = () => new a();\n",
    });
    const { outputFiles } = await bundle(dir);
    const text = (name: string) => outputFiles.find((file) => file.path === join(dir, 'out', name))?.text ?? '';
    // The marker with its quotes: esbuild names the temporary folder (a random name) in comments.
    expect(text('internal.js')).toContain('"core-a"');
    expect(text('index.js')).not.toContain('"core-a"');
    expect(text('extra.js')).not.toContain('"core-a"');
    expect(text('extra.js')).toContain('"#internal"');
  });

  it('fails the build when two core modules export the same name', async () => {
    const dir = sources({
      'index.ts': "export { one } from './a.js';\nexport { two } from './b.js';\n",
      'a.ts': 'export const one = 1;\nexport const shared = 1;\n',
      'b.ts': 'export const two = 2;\nexport const shared = 2;\n',
      'extra.ts': 'export {};\n',
    });
    await expect(bundle(dir)).rejects.toThrow(/[ab]\.ts exports shared, and so does another core module/);
  });
});
