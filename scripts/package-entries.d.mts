// Types of package-entries.mjs, for tsup.config.ts and the tests.
export declare function publicSubpaths(root?: string): string[];
export declare function entrySource(subpath: string): string;
export declare function buildEntries(root?: string): Record<string, string> & { index: string };
