// @ts-check
import { entrySource, publicSubpaths } from './scripts/package-entries.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  $schema: 'https://typedoc.org/schema.json',
  // One module per public subpath, in package.json's order; each entry file names its module.
  entryPoints: publicSubpaths().map(entrySource),
  out: 'docs/api',
  name: 'stripe-webhook-kit',
  readme: 'README.md',
  projectDocuments: ['docs/*.md'],
  sortEntryPoints: false,
  excludePrivate: true,
  excludeInternal: true,
  validation: { notExported: true, invalidLink: true, invalidPath: false, notDocumented: true },
  tsconfig: 'tsconfig.build.json',
  disableSources: true,
  highlightLanguages: ['bash', 'console', 'css', 'html', 'javascript', 'json', 'jsonc', 'json5', 'text', 'tsx', 'typescript', 'sh', 'shell', 'sql', 'mermaid', 'yaml'],
  requiredToBeDocumented: ['Function', 'Class', 'Interface', 'TypeAlias', 'Variable', 'Enum', 'Namespace'],
};
