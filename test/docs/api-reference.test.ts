// The API reference (TypeDoc, `npm run docs`) names each module by its import path and shows the
// event-type union once: checked here in seconds, without building the site. (`npm run docs`
// itself fails on an export without a description: typedoc.config.mjs's validation.notDocumented.)
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildEntries, entrySource, publicSubpaths } from '../../scripts/package-entries.mjs';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const paths = (JSON.parse(read('tsconfig.json')) as { compilerOptions: { paths: Record<string, [string]> } }).compilerOptions.paths;

// The API reference's own configuration, as TypeDoc loads it.
const { default: typedoc } = (await import(new URL('typedoc.config.mjs', root).href)) as { default: { entryPoints: string[]; projectDocuments: string[] } };
const subpaths = publicSubpaths(fileURLToPath(root));
/** Each public entry file: the module name it declares for the API reference. */
const entries = subpaths.map((subpath) => ({ subpath, file: entrySource(subpath), module: /@module (\S+)/.exec(read(entrySource(subpath)))?.[1] }));

describe('the API reference', () => {
  it('has one module per public import path, named by it, from the entry file the build uses', () => {
    for (const entry of entries) expect(entry.module, entry.file).toBe(`stripe-webhook-kit${entry.subpath.slice(1)}`);
    expect(typedoc.entryPoints).toEqual(entries.map((entry) => entry.file));
    expect(Object.values(buildEntries(fileURLToPath(root)))).toEqual(entries.map((entry) => entry.file));
  });

  it('resolves every import path to its entry file in the type checker, as the build does', () => {
    for (const entry of entries) {
      const name = `stripe-webhook-kit${entry.subpath.slice(1)}`;
      const pattern = paths[name]?.[0] ?? paths['stripe-webhook-kit/*']?.[0]?.replace('*', entry.subpath.slice(2));
      expect(pattern, name).toBe(`./${entry.file}`);
    }
  });

  it('gives the older TypeScript resolution (typesVersions) the same subpaths as the exports', () => {
    const manifest = JSON.parse(read('package.json')) as { typesVersions: { '*': Record<string, string[]> } };
    const expected = Object.fromEntries(subpaths.filter((subpath) => subpath !== '.').map((subpath) => [subpath.slice(2), [`./dist/${subpath.slice(2)}/index.d.cts`]]));
    expect(manifest.typesVersions['*']).toEqual(expected);
  });

  it('includes every page of docs/, also pages added later', () => {
    expect(typedoc.projectDocuments).toEqual(['docs/*.md']);
  });

  it('names the event-type union where it is used instead of spelling out its members', () => {
    const program = ts.createProgram([new URL('src/entries/index.ts', root).pathname], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true });
    const checker = program.getTypeChecker();
    const router = program.getSourceFile(new URL('src/router/create-webhook-router.ts', root).pathname) as ts.SourceFile;
    const routerInterface = router.statements.find((node): node is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(node) && node.name.text === 'WebhookRouter');
    const eventTypes = routerInterface?.members.find((member) => member.name?.getText(router) === 'eventTypes') as ts.PropertySignature;
    // TypeDoc renders what the checker prints: without the alias, 275 string literals.
    expect(checker.typeToString(checker.getTypeAtLocation(eventTypes))).toBe('ReadonlySet<RoutableEventType>');
  });
});
