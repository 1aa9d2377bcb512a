// Compiles the guide's app (test/nest-matrix/guide-app.ts, the code of docs/nestjs.md) the way a
// user's `tsc` build does, decorator metadata included (its constructor injection relies on it;
// esbuild and vitest do not emit it), and puts it with the smoke entries into
// <major>/node_modules/.smoke/, where imports resolve to that major and the packed kit, and which
// no linter reads.
//   node test/nest-matrix/compile-snippet.mjs nest10 nest12
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const source = readFileSync(new URL('guide-app.ts', import.meta.url), 'utf8');
const { outputText, diagnostics } = ts.transpileModule(source, {
  fileName: 'guide-app.ts',
  reportDiagnostics: true,
  compilerOptions: {
    module: ts.ModuleKind.ES2022,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    verbatimModuleSyntax: true,
  },
});
if (diagnostics?.length) {
  console.error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => '.', getNewLine: () => '\n' }));
  process.exit(1);
}
for (const major of process.argv.slice(2)) {
  const dir = new URL(`${major}/node_modules/.smoke/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('guide-app.mjs', dir), outputText);
  for (const entry of ['smoke-entry.mjs', 'smoke-entry.cjs']) copyFileSync(new URL(entry, import.meta.url), new URL(entry, dir));
}
