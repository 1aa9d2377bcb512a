// `tsx scripts/api-report.ts [dist]`: the public types of the built package as plain text, one
// line per exported name and member, for every subpath and both module formats (.d.ts, .d.cts).
// Two builds publish the same types when their reports are equal: `diff` them after changing how
// the declarations are made.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const dist = resolve(process.argv[2] ?? 'dist');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | Record<string, { types: string }>> };
const flags = ts.TypeFormatFlags.NoTruncation;
// Chunk names (and the folder) differ from build to build: a report names no file.
const anonymous = (text: string) => text.replace(/import\("[^"]*"(, \{[^)]*\})?\)\./g, '').replace(/\s+/g, ' ');

/** Each export of the declaration file: its kind, its declarations' text, and its type as the checker sees it. */
function report(file: string): string[] {
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) return [`${file}: no module`];
  const lines: string[] = [];
  for (const symbol of checker.getExportsOfModule(module).sort((a, b) => a.name.localeCompare(b.name))) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    for (const declaration of target.declarations ?? []) lines.push(`${symbol.name}: ${ts.SyntaxKind[declaration.kind]} ${anonymous(declaration.getText())}`);
    const declaration = target.declarations?.[0];
    if (declaration && target.flags & ts.SymbolFlags.Value) {
      lines.push(`${symbol.name}: value ${anonymous(checker.typeToString(checker.getTypeOfSymbolAtLocation(target, declaration), undefined, flags))}`);
    }
  }
  return lines;
}

for (const [subpath, conditions] of Object.entries(manifest.exports)) {
  if (typeof conditions === 'string') continue;
  for (const [condition, { types }] of Object.entries(conditions)) {
    console.log(`# ${subpath} (${condition}: ${types})`);
    for (const line of report(join(dist, '..', types))) console.log(line);
  }
}
