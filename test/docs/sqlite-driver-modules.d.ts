// The SQLite drivers' types, as far as the docs' snippets use them, so that the snippets compile
// without the drivers in the project: node:sqlite is not in @types/node 20, bun:sqlite comes with
// bun-types, better-sqlite3 with @types/better-sqlite3, D1Database with @cloudflare/workers-types.
// Each matches its package's published signatures.

declare module 'node:sqlite' {
  type SQLInputValue = null | number | bigint | string | Uint8Array;
  interface StatementSync {
    all(...anonymousParameters: SQLInputValue[]): Array<Record<string, unknown>>;
    run(...anonymousParameters: SQLInputValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  }
  class DatabaseSync {
    constructor(path: string, options?: { open?: boolean; readOnly?: boolean; timeout?: number });
    prepare(sql: string): StatementSync;
    exec(sql: string): void;
    close(): void;
  }
}

declare module 'bun:sqlite' {
  interface Statement {
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  }
  class Database {
    constructor(filename?: string, options?: { readonly?: boolean; create?: boolean; readwrite?: boolean; strict?: boolean });
    prepare(sql: string): Statement;
    query(sql: string): Statement;
    exec(sql: string, ...bindings: unknown[]): { changes: number; lastInsertRowid: number | bigint };
    close(): void;
  }
}

declare module 'better-sqlite3' {
  interface Statement {
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  }
  class Database {
    constructor(filename?: string, options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number });
    prepare(source: string): Statement;
    exec(source: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    close(): this;
  }
  export = Database;
}

interface D1Result<T = unknown> {
  results: T[];
  success: true;
  meta: Record<string, unknown>;
}
interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  first<T = unknown>(column?: string): Promise<T | null>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
}
interface D1Database {
  prepare(query: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<Array<D1Result<T>>>;
  exec(query: string): Promise<{ count: number; duration: number }>;
}
