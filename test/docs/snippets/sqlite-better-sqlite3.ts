import Database from 'better-sqlite3';
import { sqliteStore } from 'stripe-webhook-kit/sqlite';

const db = new Database('webhooks.db');
db.pragma('journal_mode = WAL');

export const store = sqliteStore(db, { table: 'stripe_events', retentionMs: 14 * 24 * 60 * 60 * 1000 });
