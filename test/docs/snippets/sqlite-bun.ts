import { Database } from 'bun:sqlite';
import { sqliteStore } from 'stripe-webhook-kit/sqlite';

const db = new Database('webhooks.db');
db.exec('PRAGMA journal_mode = WAL');

export const store = sqliteStore(db);
