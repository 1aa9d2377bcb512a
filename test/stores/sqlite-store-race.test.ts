// Processes sharing one SQLite file claim the same event ids at the same moment, as instances of
// an app on one host would: of each id's claims exactly one is 'claimed'. Node 20 races over
// better-sqlite3, Node 22.13 and later over node:sqlite.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RacerConfig, RacerMessage } from './sqlite/claim-racer.js';
import { betterSqlite3Prefix, hasNodeSqlite } from './sqlite/sqlite-drivers.js';

const racerFile = fileURLToPath(new URL('./sqlite/claim-racer.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const driver = hasNodeSqlite() ? 'node:sqlite' : 'better-sqlite3';
const processes = 6;
const eventIds = Array.from({ length: 40 }, (_, index) => `evt_race_${index}`);

interface Racer {
  ready: Promise<void>;
  results: Promise<string[]>;
  go(): void;
}

function startRacer(config: RacerConfig): Racer {
  const child = spawn(process.execPath, ['--import', tsxLoader, racerFile], {
    env: { ...process.env, RACER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`a racer exited early (code ${code})`))));
  const message = (has: 'ready' | 'results') =>
    Promise.race([exited, new Promise<RacerMessage>((resolve) => child.on('message', (sent: RacerMessage) => has in sent && resolve(sent)))]);
  return {
    ready: message('ready').then(() => undefined),
    results: message('results').then((sent) => (sent as { results: string[] }).results),
    go: () => child.send('go'),
  };
}

describe(`sqliteStore over ${driver} in ${processes} processes sharing one database file`, () => {
  let folder: string;
  let prefix: string | undefined;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'swk-sqlite-race-'));
    prefix = driver === 'better-sqlite3' ? betterSqlite3Prefix() : undefined;
  }, 600_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('gives each id to exactly one process when all claim it at once', async () => {
    const config: RacerConfig = { driver, prefix, file: join(folder, 'shared.db'), table: 'race_events', eventIds };
    const racers = Array.from({ length: processes }, () => startRacer(config));
    // Every process has opened the file and made (or found) the table before any claims.
    await Promise.all(racers.map((racer) => racer.ready));
    for (const racer of racers) racer.go();
    const answers = await Promise.all(racers.map((racer) => racer.results));
    eventIds.forEach((eventId, index) => {
      const outcomes = answers.map((results) => results[index]);
      expect(outcomes.filter((outcome) => outcome === 'claimed'), eventId).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'in_progress'), eventId).toHaveLength(processes - 1);
    });
  }, 120_000);
});
