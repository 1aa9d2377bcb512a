// The core (every module that the root entry, src/entries/index.ts, reaches through static imports) is bundled once, into
// dist/internal.js and .cjs, that every public entry imports by a relative path. Split into
// esbuild's usual chunks, the core was about a dozen files that a user's `import` resolved and
// loaded one by one: half of its cold start. One file keeps one copy of its classes and state
// for all subpaths, so `instanceof` and the per-meter caches still hold across them.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

const internalImport = '#internal';
const barrelNamespace = 'shared-core';

async function metafileOf(entryPoints: string[], bundle: boolean): Promise<Metafile> {
  const { metafile } = await build({ entryPoints, bundle, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent', outdir: 'out' });
  return metafile;
}

/** The source files (absolute paths) that `entry` reaches through static imports, `entry` excluded. */
async function staticallyReached(entry: string): Promise<string[]> {
  const { inputs } = await metafileOf([entry], true);
  const reached = new Set<string>();
  const visit = (path: string) => {
    if (reached.has(path) || !inputs[path]) return;
    reached.add(path);
    // A dynamic import (the OpenTelemetry layer) stays out: it is loaded only when used.
    for (const edge of inputs[path].imports) if (edge.kind === 'import-statement' && !edge.external) visit(edge.path);
  };
  // The metafile names inputs by paths relative to the working directory.
  const start = relative(process.cwd(), resolve(entry)).split('\\').join('/');
  visit(start);
  reached.delete(start);
  return [...reached].map((path) => resolve(path));
}

const barrelOf = (files: string[]) => files.map((file) => `export * from ${JSON.stringify(file)};`).join('\n');

/**
 * The barrel re-exports every core module with `export *`, where a name two modules define would
 * silently be neither's, and a default export would be lost: both fail the build instead.
 */
async function checkExportNames(files: string[]): Promise<void> {
  const own = await metafileOf(files, false);
  // The names the bundled barrel really exports: its metafile would still list ambiguous ones.
  const barrel = await build({ stdin: { contents: barrelOf(files), resolveDir: process.cwd(), loader: 'ts' }, bundle: true, write: false, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  const exportList = /export\s*\{([^}]*)\};?\s*$/.exec(barrel.outputFiles[0]?.text ?? '')?.[1] ?? '';
  const exported = new Set(exportList.split(',').map((item) => item.trim().split(/\s+as\s+/).pop()));
  for (const output of Object.values(own.outputs)) {
    for (const name of output.exports) {
      if (name === 'default' || !exported.has(name)) throw new Error(`shared core: ${output.entryPoint} exports ${name === 'default' ? 'a default' : `${name}, and so does another core module`}; give it a unique name`);
    }
  }
}

export function sharedCore(publicEntry: string): Plugin {
  return {
    name: 'shared-core',
    async setup(builder) {
      const core = await staticallyReached(publicEntry);
      await checkExportNames(core);
      const coreFiles = new Set(core);
      const entryPoints = builder.initialOptions.entryPoints as Record<string, string>;
      entryPoints.internal = `${barrelNamespace}:internal`;

      builder.onResolve({ filter: new RegExp(`^${barrelNamespace}:`) }, ({ path }) => ({ path, namespace: barrelNamespace }));
      builder.onLoad({ filter: /.*/, namespace: barrelNamespace }, () => ({
        contents: barrelOf(core),
        resolveDir: process.cwd(),
        loader: 'ts',
      }));
      // From outside the core, an import of a core module becomes an import of "#internal", a
      // placeholder that linkSharedCore() replaces with the relative path once the files exist.
      builder.onResolve({ filter: /^\.\.?\// }, async ({ path, importer, kind, resolveDir, pluginData }) => {
        if ((pluginData as { sharedCore?: boolean } | undefined)?.sharedCore || coreFiles.has(importer)) return undefined;
        const resolved = await builder.resolve(path, { importer, kind, resolveDir, pluginData: { sharedCore: true } });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return coreFiles.has(resolved.path) ? { path: internalImport, external: true } : resolved;
      });
    },
  };
}

/**
 * Points each built file's import of "#internal" at dist/internal.js (or .cjs) by a relative
 * path: esbuild keeps an external specifier as written, and Node resolves a relative path about
 * 2 ms faster at a cold start than a package.json "imports" entry. Any "#internal" left would
 * fail to load loudly, as the package declares no such import.
 */
export async function linkSharedCore(outdir: string): Promise<void> {
  for (const entry of await readdir(outdir, { withFileTypes: true, recursive: true })) {
    const extension = /\.c?js$/.exec(entry.name)?.[0];
    if (!entry.isFile() || !extension) continue;
    const file = join(entry.parentPath, entry.name);
    const code = await readFile(file, 'utf8');
    const specifier = new RegExp(`(["'])${internalImport}\\1`, 'g');
    if (!specifier.test(code)) continue;
    const target = relative(dirname(file), join(outdir, `internal${extension}`)).split('\\').join('/');
    await writeFile(file, code.replace(specifier, JSON.stringify(target.startsWith('.') ? target : `./${target}`)));
  }
}
