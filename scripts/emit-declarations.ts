// The package's declarations come from one TypeScript program over all public entries. tsup's dts
// step, given the .ts entries, type-checked the sources once per entry folder (eight programs, about
// 100 s on two cores); given these .d.ts files, it only bundles them, in a few seconds.
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import ts from 'typescript';

/** Where the declarations go: in the project, not under node_modules, which the dts bundler leaves external. */
export const declarationDir = 'dist-types';

/**
 * Emits the declarations of `entries` (and of everything they import) under declarationDir, and
 * resolves the same entries renamed to their .d.ts files. Fails on any type error, as tsup's own
 * dts step did.
 */
export async function emitDeclarations<Entries extends Record<string, string>>(entries: Entries): Promise<Record<keyof Entries, string>> {
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]) });
  if (!config) throw new Error('tsconfig.json could not be read');
  await rm(declarationDir, { recursive: true, force: true });
  const options: ts.CompilerOptions = { ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: 'src', outDir: declarationDir, paths: {} };
  const program = ts.createProgram(Object.values(entries), options);
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  if (diagnostics.length > 0) fail(diagnostics);
  const declarationOf = (entry: string) => `${declarationDir}/${relative('src', entry).split('\\').join('/').replace(/\.ts$/, '.d.ts')}`;
  return Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, declarationOf(entry)])) as Record<keyof Entries, string>;
}

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const host = { getCanonicalFileName: (name: string) => name, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => '\n' };
  throw new Error(`the declarations did not compile:\n${ts.formatDiagnosticsWithColorAndContext(diagnostics, host)}`);
}
