// The snippets that README.md and docs/*.md show (test/docs/snippets/, matched to the pages by
// doc-snippets.test.ts) compiled as a user's project compiles them: against the built package in
// dist/, through package.json's exports, with strict NodeNext settings. The Express snippets compile
// twice, with Express 5's types and with Express 4's, since the README supports both. One program
// per configuration keeps this at a few seconds.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const config = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => root, getNewLine: () => '\n' };
const usesExpress = (file: string) => /from 'express'/.test(readFileSync(file, 'utf8'));
const snippets = readdirSync(`${root}test/docs/snippets`).map((name) => `${root}test/docs/snippets/${name}`);

function compile(configFile: string, keep: (file: string) => boolean = () => true) {
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.formatDiagnostic(diagnostic, host));
    },
  });
  if (!parsed) throw new Error(`${configFile} could not be read`);
  const rootNames = parsed.fileNames.filter((file) => file.endsWith('.d.ts') || keep(file));
  const program = ts.createProgram({ rootNames, options: parsed.options });
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.formatDiagnostic(diagnostic, host).trim());
  const sources = program.getSourceFiles().map((file) => file.fileName);
  return { rootNames, errors, sources };
}

describe('documentation snippets, compiled against the built package', () => {
  if (!existsSync(`${root}dist/index.d.ts`)) throw new Error('dist/ has no declarations: run `npm run build` first (npm test does).');

  it('compiles with Express 5 types, resolving stripe-webhook-kit to dist/', () => {
    const { rootNames, errors, sources } = compile(config('tsconfig.snippets.json'));
    expect(errors).toEqual([]);
    expect(rootNames).toEqual(expect.arrayContaining(snippets));
    expect(sources.filter((file) => file.startsWith(`${root}src/`))).toEqual([]);
    expect(sources).toContain(`${root}dist/index.d.ts`);
    expect(sources).toContain(`${root}node_modules/@types/express/index.d.ts`);
  }, 300_000); // a busy 2-core machine

  it('compiles the Express snippets with Express 4 types', () => {
    const { rootNames, errors, sources } = compile(config('tsconfig.snippets-express4.json'), usesExpress);
    expect(errors).toEqual([]);
    expect(rootNames).toEqual(expect.arrayContaining(snippets.filter(usesExpress)));
    expect(rootNames.filter(usesExpress).length).toBeGreaterThan(5);
    expect(sources).toContain(`${root}node_modules/@types/express4/index.d.ts`);
    expect(sources).not.toContain(`${root}node_modules/@types/express/index.d.ts`);
  }, 300_000); // a busy 2-core machine
});
