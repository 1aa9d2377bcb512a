import { DatabaseSync } from 'node:sqlite';
import { sqliteStore } from 'stripe-webhook-kit/sqlite';

// Node 22.13 and later (22.5 with --experimental-sqlite). WAL lets processes sharing the file
// read while one writes.
const db = new DatabaseSync('webhooks.db');
db.exec('PRAGMA journal_mode = WAL');

export const store = sqliteStore(db);
