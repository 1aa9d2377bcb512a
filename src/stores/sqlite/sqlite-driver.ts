/** The parts of Cloudflare D1's binding (`env.DB`) that the store uses. */
export interface D1DatabaseLike {
  /** Prepares a statement with `?` parameters. */
  prepare(query: string): {
    /** Binds the statement's parameters, in order. */
    bind(...values: unknown[]): {
      /** Runs the statement and resolves the rows it returns. */
      all(): Promise<{ results?: unknown[] }>;
    };
  };
  /** Runs several bound statements in one implicit transaction. */
  batch(statements: unknown[]): Promise<unknown>;
}

/** The parts of a synchronous driver's database that the store uses: node:sqlite, bun:sqlite, better-sqlite3. */
export interface SyncSqliteDatabaseLike {
  /** Prepares a statement with `?` parameters. */
  prepare(sql: string): {
    /** Runs the statement with its parameters, in order, and returns the rows it returns. */
    all(...params: never[]): unknown[];
  };
  /** Runs SQL that returns nothing (the table's creation). */
  exec(sql: string): unknown;
}

/** What `sqliteStore` takes: a D1 binding or an open synchronous database. */
export type SqliteDatabase = D1DatabaseLike | SyncSqliteDatabaseLike;

/** The driver a store found behind the database it was given (`store.driver`). */
export type SqliteDriverName = 'd1' | 'node:sqlite' | 'bun:sqlite' | 'better-sqlite3';

/** One way to run the store's statements, whatever the driver. */
export interface SqliteDriver {
  readonly name: SqliteDriverName;
  /** Runs one statement and resolves its rows. */
  all(sql: string, params: ReadonlyArray<string | number | null>): Promise<Array<Record<string, unknown>>>;
  /** Runs statements that take no parameters, in order (the schema). */
  script(statements: readonly string[]): Promise<void>;
  /** Forgets prepared statements (after the table was dropped and made again). */
  reset(): void;
}

const usage =
  'pass a Cloudflare D1 binding (env.DB), a node:sqlite DatabaseSync, a bun:sqlite Database or a better-sqlite3 Database';
const isFunction = (value: unknown, key: string) => typeof (value as Record<string, unknown>)[key] === 'function';

/** Recognises the driver from the object passed; throws a `TypeError` that says what to pass instead. */
export function sqliteDriver(db: unknown): SqliteDriver {
  if (typeof db !== 'object' || db === null) throw new TypeError(`sqliteStore: ${usage}; got ${db === null ? 'null' : typeof db}.`);
  if (isFunction(db, 'then')) throw new TypeError(`sqliteStore: got a Promise; await the database first, then ${usage}.`);
  // node-sqlite3 (the `sqlite3` package) and its `sqlite` wrapper are callback or promise based
  // and cannot run a statement atomically with its answer the way the store needs.
  if (isFunction(db, 'parallelize') || isFunction(db, 'getDatabaseInstance')) {
    throw new TypeError(`sqliteStore: the sqlite3 package's Database is not supported; ${usage} (better-sqlite3 opens the same files).`);
  }
  if (!isFunction(db, 'prepare')) throw new TypeError(`sqliteStore: the object has no prepare() method; ${usage}.`);
  if (isFunction(db, 'batch')) return d1Driver(db as D1DatabaseLike);
  if (!isFunction(db, 'exec')) throw new TypeError(`sqliteStore: the object has no exec() method; ${usage}.`);
  return syncDriver(db as SyncSqliteDatabaseLike, syncDriverName(db));
}

function syncDriverName(db: object): SqliteDriverName {
  if (isFunction(db, 'pragma')) return 'better-sqlite3';
  if (isFunction(db, 'query')) return 'bun:sqlite';
  return 'node:sqlite';
}

function d1Driver(db: D1DatabaseLike): SqliteDriver {
  return {
    name: 'd1',
    async all(sql, params) {
      const { results } = await db.prepare(sql).bind(...params).all();
      return (results ?? []) as Array<Record<string, unknown>>;
    },
    // One batch is one transaction on D1: the table and its index appear together.
    async script(statements) {
      await db.batch(statements.map((sql) => db.prepare(sql).bind()));
    },
    reset() {},
  };
}

// How long a synchronous driver waits for another connection's write lock before failing with
// SQLITE_BUSY, when the application set no wait of its own (node:sqlite and bun:sqlite wait 0 ms
// by default; better-sqlite3 5 s). Concurrent deliveries in several processes need to wait.
const busyTimeoutMs = 5000;

function syncDriver(db: SyncSqliteDatabaseLike, name: SqliteDriverName): SqliteDriver {
  type Statement = { all(...params: Array<string | number | null>): unknown[] };
  const prepared = new Map<string, Statement>();
  let busyTimeoutChecked = false;
  const statement = (sql: string): Statement => {
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  const ensureBusyTimeout = () => {
    if (busyTimeoutChecked) return;
    const [row] = statement('PRAGMA busy_timeout').all() as Array<Record<string, unknown>>;
    if (Number(Object.values(row ?? {})[0]) === 0) db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    busyTimeoutChecked = true;
  };
  return {
    name,
    // Synchronous: the statement has run by the time the promise exists.
    async all(sql, params) {
      ensureBusyTimeout();
      return statement(sql).all(...params) as Array<Record<string, unknown>>;
    },
    async script(statements) {
      ensureBusyTimeout();
      for (const sql of statements) db.exec(sql);
    },
    reset() {
      prepared.clear();
    },
  };
}
