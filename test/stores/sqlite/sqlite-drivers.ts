// Opens SQLite database files through the synchronous drivers Node can run: node:sqlite (Node
// 22.5+, built in) and better-sqlite3, which the package must not depend on, so it is installed
// into the runtime cache outside the project (scripts/install-runtime.sh), once per Node ABI
// since it is a native addon.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SyncSqliteDatabaseLike } from '../../../src/stores/sqlite-store.js';

export type NodeDriver = 'node:sqlite' | 'better-sqlite3';

export interface OpenDatabase extends SyncSqliteDatabaseLike {
  close(): void;
}

type Open = (file: string) => OpenDatabase;

const root = new URL('../../../', import.meta.url).pathname;

/** better-sqlite3's prefix in the runtime cache, installed on first use (it compiles if no prebuilt binary is reachable). */
export function betterSqlite3Prefix(): string {
  const name = `better-sqlite3-abi${process.versions.modules}`;
  return execFileSync(join(root, 'scripts/install-runtime.sh'), [name, 'better-sqlite3@12'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Whether this Node has node:sqlite without a flag (22.13+, 23.4+). */
export function hasNodeSqlite(): boolean {
  try {
    return typeof process.getBuiltinModule?.('node:sqlite') === 'object';
  } catch {
    return false;
  }
}

/** How to open a database file with `driver`; `prefix` is better-sqlite3's (betterSqlite3Prefix). */
export function opener(driver: NodeDriver, prefix?: string): Open {
  if (driver === 'node:sqlite') {
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as { DatabaseSync: new (file: string) => OpenDatabase };
    return (file) => new DatabaseSync(file);
  }
  if (prefix === undefined) throw new Error('opener: better-sqlite3 needs its prefix in the runtime cache');
  const Database = createRequire(join(prefix, 'node_modules/'))('better-sqlite3') as new (file: string) => OpenDatabase;
  return (file) => new Database(file);
}
