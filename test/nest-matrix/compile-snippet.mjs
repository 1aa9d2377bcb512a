// Compiles the README's Nest snippet (test/docs/snippets/nest.ts) the way a user's `tsc` build
// does, decorator metadata included (its constructor injection relies on it; esbuild and vitest
// do not emit it), for each major's smoke test. It goes into <major>/node_modules/.readme-snippet/,
// where its imports resolve to that major and the packed kit, and which no linter reads.
//   node test/nest-matrix/compile-snippet.mjs nest10 nest12
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const source = readFileSync(new URL('../docs/snippets/nest.ts', import.meta.url), 'utf8');
const { outputText, diagnostics } = ts.transpileModule(source, {
  fileName: 'nest.ts',
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
  const dir = new URL(`${major}/node_modules/.readme-snippet/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('nest.mjs', dir), outputText);
}
