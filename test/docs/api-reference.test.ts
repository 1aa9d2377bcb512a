// The API reference (TypeDoc, `npm run docs`) names each module by its import path and shows the
// event-type union once: checked here in seconds, without building the site. (`npm run docs`
// itself fails on an export without a description: typedoc.json's validation.notDocumented.)
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const manifest = JSON.parse(read('package.json')) as { exports: Record<string, unknown> };
const typedoc = JSON.parse(read('typedoc.json')) as { entryPoints: string[]; projectDocuments: string[] };
const paths = (JSON.parse(read('tsconfig.json')) as { compilerOptions: { paths: Record<string, [string]> } }).compilerOptions.paths;

const importPaths = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => `stripe-webhook-kit${key.slice(1)}`);
/** Each TypeDoc entry file: the module name it declares, and the source it re-exports. */
const entries = readdirSync(new URL('typedoc/', root))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => {
    const text = read(`typedoc/${name}`);
    return {
      file: `typedoc/${name}`,
      module: /@module (\S+)/.exec(text)?.[1],
      source: /export \* from '\.\.\/(src\/[^']+)\.js';/.exec(text)?.[1],
    };
  });

describe('the API reference', () => {
  it('has one module per public import path, named by it, over the source that subpath ships', () => {
    expect(entries.map((entry) => entry.module).sort()).toEqual([...importPaths].sort());
    for (const entry of entries) expect(`./${entry.source}.ts`, entry.file).toBe(paths[entry.module as string]?.[0]);
    expect([...typedoc.entryPoints].sort()).toEqual(entries.map((entry) => entry.file).sort());
  });

  it('includes every page of docs/, also pages added later', () => {
    expect(typedoc.projectDocuments).toEqual(['docs/*.md']);
  });

  it('names the event-type union where it is used instead of spelling out its members', () => {
    const program = ts.createProgram([new URL('src/index.ts', root).pathname], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true });
    const checker = program.getTypeChecker();
    const router = program.getSourceFile(new URL('src/router/create-webhook-router.ts', root).pathname) as ts.SourceFile;
    const routerInterface = router.statements.find((node): node is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(node) && node.name.text === 'WebhookRouter');
    const eventTypes = routerInterface?.members.find((member) => member.name?.getText(router) === 'eventTypes') as ts.PropertySignature;
    // TypeDoc renders what the checker prints: without the alias, 275 string literals.
    expect(checker.typeToString(checker.getTypeAtLocation(eventTypes))).toBe('ReadonlySet<RoutableEventType>');
  });
});
