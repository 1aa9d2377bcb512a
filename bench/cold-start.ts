// Row 3: how long importing each subpath of the built package takes in a fresh Node process,
// against importing `stripe`. Each measurement is a new process (a module is imported once per
// process). The child first imports an empty module, as an app's own entry module would be
// loaded, so the time is what the package adds and not Node's one-off start of its ESM loader.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { signPayload } from '../src/entries/testing.js';
import { formatSpread, formatTarget, interleave, summarize, type Summary, type TableData, type Target } from './stats.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

export interface ColdStartConfig {
  repetitions: number;
}

export interface ColdStartEntry {
  specifier: string;
  /** Milliseconds for `await import(specifier)`. */
  importMs: Summary;
  /**
   * `stripe`'s median import time over this one's: how many times lighter it is. Medians, not
   * paired ratios: each repetition is a separate process anyway.
   */
  stripeOverThis?: number;
  target?: Target;
}

export interface ColdStartResult {
  entries: ColdStartEntry[];
  /** Milliseconds for the empty module imported first: Node's one-off ESM loader start. */
  loaderStartMs: Summary;
}

const coreMaxMs = 5;
const minTimesLighterThanStripe = 10;

/** The package's subpaths, from package.json `exports`, as a user imports them. */
export function packageSubpaths(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
  return Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

/**
 * One import to time. `preload` is imported first, untimed: what the app has loaded already.
 * `then` is code timed with the import, run with the module as `module`.
 */
interface ImportCase {
  label: string;
  specifier: string;
  /** Where the child runs (the package root unless set): what its bare specifiers resolve from. */
  cwd?: string;
  preload?: readonly string[];
  then?: string;
}

export async function runColdStartBench(config: ColdStartConfig, progress: (line: string) => void): Promise<ColdStartResult> {
  mkdirSync(join(root, 'bench', '.tmp'), { recursive: true });
  writeFileSync(join(root, 'bench', '.tmp', 'app-entry.mjs'), 'export {};\n');
  const floorDirectory = writeFloorPackage();
  const [core, ...others] = packageSubpaths() as [string, ...string[]];
  const signed = signedSample();
  const cases: ImportCase[] = [
    { label: core, specifier: core },
    // The core loads node:crypto at its first verification: this row counts that too.
    {
      label: `${core} + first verifyAndParse`,
      specifier: core,
      then: `module.verifyAndParse(${JSON.stringify(signed.body)}, ${JSON.stringify(signed.header)}, ${JSON.stringify(signed.secret)});`,
    },
    ...others.map((specifier) =>
      // A Nest app has loaded Nest before it imports the module: only what the module adds is timed.
      specifier.endsWith('/nest') ? { label: `${specifier} (Nest already loaded)`, specifier, preload: ['reflect-metadata', '@nestjs/common', '@nestjs/core'] } : { label: specifier, specifier },
    ),
    { label: 'stripe', specifier: 'stripe' },
    { label: floorLabel, specifier: floorPackage, cwd: floorDirectory },
  ];
  const byLabel = new Map(cases.map((one) => [one.label, one]));
  // The built files are what is timed: rebuilt when src/ changed since (a fresh clone's `npm ci`
  // built them already).
  if (!existsSync(join(root, 'dist')) || newestMtime(join(root, 'src')) > oldestMtime(join(root, 'dist'))) {
    progress('cold start: dist/ is missing or older than src/, building it first');
    await run('npm', ['run', 'build', '--silent'], { cwd: root });
  }

  // One throw-away round: the first processes also pay for a cold file-system cache.
  for (const one of cases) await importTime(one);
  const loaderStart: number[] = [];
  const measured = await interleave(
    cases.map((one) => one.label),
    config.repetitions,
    async (label) => {
      const times = await importTime(byLabel.get(label) as ImportCase);
      loaderStart.push(times.entryMs);
      return times.importMs;
    },
  );
  const values = (label: string): number[] => measured[label] ?? [];

  const stripeMedian = summarize(values('stripe')).median;
  const floorMedian = summarize(values(floorLabel)).median;
  const entries = cases.map(({ label }): ColdStartEntry => {
    const entry: ColdStartEntry = { specifier: label, importMs: summarize(values(label)) };
    if (label !== 'stripe' && label !== floorLabel) entry.stripeOverThis = stripeMedian / entry.importMs.median;
    if (label === core) {
      const median = entry.importMs.median;
      const lighter = entry.stripeOverThis ?? 0;
      entry.target = {
        description: `core < ${coreMaxMs} ms (${median.toFixed(2)} ms, ${(median - floorMedian).toFixed(2)} ms over an empty package) and >= ${minTimesLighterThanStripe}x lighter than stripe (${lighter.toFixed(1)}x)`,
        met: median < coreMaxMs && lighter >= minTimesLighterThanStripe,
      };
    }
    return entry;
  });
  progress(`cold start: core ${entries[0]?.importMs.median.toFixed(2)} ms, stripe ${stripeMedian.toFixed(2)} ms`);
  return { entries, loaderStartMs: summarize(loaderStart) };
}

/**
 * Imports the case in a new plain `node` (no tsx: the built files are what users load) whose
 * working directory is the package root, so the package's own name resolves through its
 * `exports` to dist/, exactly as it does for a user.
 */
async function importTime({ specifier, cwd = root, preload, then }: ImportCase): Promise<{ entryMs: number; importMs: number }> {
  const script = [
    'let t0 = performance.now();',
    `await import(${JSON.stringify(pathToFileURL(join(root, 'bench', '.tmp', 'app-entry.mjs')).href)});`,
    'const entryMs = performance.now() - t0;',
    ...(preload ?? []).map((name) => `await import(${JSON.stringify(name)});`),
    't0 = performance.now();',
    `const module = await import(${JSON.stringify(specifier)});`,
    ...(then ? [then] : []),
    // Read the clock before touching process.stdout: its first use sets up a stream (about 1.5 ms).
    'const importMs = performance.now() - t0;',
    'process.stdout.write(JSON.stringify({ entryMs, importMs }));',
  ].join('\n');
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], { cwd, env });
  const times = JSON.parse(stdout) as { entryMs: number; importMs: number };
  if (!Number.isFinite(times.importMs)) throw new Error(`importing ${specifier} printed ${JSON.stringify(stdout)}`);
  return times;
}

const floorPackage = 'cold-start-floor';
const floorLabel = `an empty package (${floorPackage}): the floor for any import by name`;

/**
 * A package with one empty module and an `exports` map, in bench/.tmp/node_modules: what Node
 * spends to resolve and load any package by name, before the package's own code.
 */
function writeFloorPackage(): string {
  const directory = join(root, 'bench', '.tmp');
  const packageDirectory = join(directory, 'node_modules', floorPackage);
  mkdirSync(packageDirectory, { recursive: true });
  writeFileSync(join(packageDirectory, 'package.json'), JSON.stringify({ name: floorPackage, type: 'module', exports: { '.': './index.js' } }));
  writeFileSync(join(packageDirectory, 'index.js'), 'export {};\n');
  return directory;
}

/** A small signed event for the first-verification row, signed here so the child only verifies. */
function signedSample(): { body: string; header: string; secret: string } {
  const secret = 'whsec_cold_start';
  const body = JSON.stringify({ id: 'evt_cold_start', object: 'event', type: 'checkout.session.completed', data: { object: { object: 'checkout.session' } } });
  return { body, header: signPayload(body, secret), secret };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function newestMtime(directory: string): number {
  return Math.max(...filesUnder(directory).map((file) => statSync(file).mtimeMs));
}

function oldestMtime(directory: string): number {
  const files = filesUnder(directory).filter((file) => /\.(c?js)$/.test(file));
  return files.length === 0 ? 0 : Math.min(...files.map((file) => statSync(file).mtimeMs));
}

export function coldStartTable(result: ColdStartResult, config: ColdStartConfig): TableData {
  const rows = result.entries.map((entry) => [
    entry.specifier,
    formatSpread(entry.importMs),
    entry.stripeOverThis === undefined ? '' : `${entry.stripeOverThis.toFixed(1)}x`,
    formatTarget(entry.target),
  ]);
  return {
    title: `3. Cold start: ms to import in a fresh node process, median (min-max) of ${config.repetitions} interleaved processes`,
    header: ['import', 'ms', 'stripe / this', 'target'],
    rows,
    notes: [
      'The built package (dist/), resolved through package.json exports as a user resolves it, with plain node.',
      `Each process first imports an empty module (an app's own entry; Node's one-off ESM loader start, ${formatSpread(result.loaderStartMs)} ms, is not counted), then times the import.`,
      'The core loads node:crypto at its first verification, not at import; "+ first verifyAndParse" times the import and one verification together.',
    ],
  };
}
