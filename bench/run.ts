// The benchmark: `node --expose-gc --import tsx bench/run.ts [--quick] [--only=verify,cold-start,http,overhead,stores,inbox]
// [--frameworks=express,fastify,nest-express,nest-fastify,hono,next] (next: opt-in, see bench/README.md) [--out=path] [--markdown=path]`. Runs each section with its contenders interleaved, prints the
// tables with ratios and targets, and writes the results with the machine they ran on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColdStartConfig } from './cold-start.js';
import type { OverheadConfig } from './handler-overhead.js';
import type { HttpConfig } from './http.js';
import type { InboxConfig } from './inbox.js';
import { assertBuiltPackage } from './built-package.js';
import { writePerformanceMarkdown } from './performance-markdown.js';
import { frameworks } from './servers/shared.js';
import { renderTable, round, roundSummary, type Summary, type TableData, type Target } from './stats.js';
import type { StoresConfig } from './stores.js';
import type { VerifyConfig } from './verify.js';

// The order of the results' numbered tables.
const sections = ['verify', 'http', 'overhead', 'cold-start', 'stores', 'inbox'] as const;
type Section = (typeof sections)[number];

interface Config {
  verify: VerifyConfig;
  'cold-start': ColdStartConfig;
  http: HttpConfig;
  overhead: OverheadConfig;
  stores: StoresConfig;
  inbox: InboxConfig;
}

// Full: a few minutes on 2 cores. Quick: under a minute, for checking that the bench works.
const fullConfig: Config = {
  verify: { repetitions: 21, batchMs: 50, warmupMs: 300 },
  'cold-start': { repetitions: 25 },
  http: { repetitions: 5, durationSeconds: 2, warmupSeconds: 2, connections: 32 },
  overhead: { repetitions: 120, deliveries: 1000, warmup: 5000 },
  stores: { repetitions: 7, durationSeconds: 1.5, concurrency: 64 },
  inbox: { repetitions: 5, durationSeconds: 1.5, concurrency: 16, workerConcurrency: 8, backlog: 1000, latencyDeliveries: 1000, warmup: 200 },
};
const quickConfig: Config = {
  verify: { repetitions: 7, batchMs: 15, warmupMs: 100 },
  'cold-start': { repetitions: 4 },
  http: { repetitions: 2, durationSeconds: 0.3, warmupSeconds: 0.2, connections: 32 },
  overhead: { repetitions: 3, deliveries: 1000, warmup: 1000 },
  stores: { repetitions: 2, durationSeconds: 0.3, concurrency: 64 },
  inbox: { repetitions: 2, durationSeconds: 0.3, concurrency: 16, workerConcurrency: 8, backlog: 150, latencyDeliveries: 150, warmup: 50 },
};

const root = fileURLToPath(new URL('..', import.meta.url));

function parseArguments(argv: readonly string[]) {
  const options = {
    quick: false,
    only: [...sections] as Section[],
    frameworks: undefined as string[] | undefined,
    out: undefined as string | undefined,
    markdown: undefined as string | undefined,
  };
  for (const argument of argv) {
    const [flag, value] = argument.split('=', 2) as [string, string | undefined];
    if (flag === '--quick') options.quick = true;
    else if (flag === '--only' && value) {
      const wanted = value.split(',');
      const unknown = wanted.filter((name) => !sections.includes(name as Section));
      if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')}; sections are ${sections.join(', ')}`);
      options.only = sections.filter((name) => wanted.includes(name));
    } else if (flag === '--frameworks' && value) {
      const known: string[] = frameworks.map((framework) => framework.server);
      const wanted = value.split(',');
      const unknown = wanted.filter((name) => !known.includes(name));
      if (unknown.length > 0) throw new Error(`--frameworks: unknown ${unknown.join(', ')}; frameworks are ${known.join(', ')}`);
      options.frameworks = wanted;
    } else if (flag === '--out' && value) options.out = value;
    else if (flag === '--markdown' && value) options.markdown = value;
    else throw new Error(`unknown argument ${argument}; use --quick, --only=${sections.join(',')}, --frameworks=<names>, --out=<file>, --markdown=<file>`);
  }
  return options;
}

function machineInfo() {
  const processors = cpus();
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 3),
    os: `${osType()} ${release()}`,
    node: process.version,
    commit,
  };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const base = options.quick ? quickConfig : fullConfig;
  const config: Config = { ...base, http: { ...base.http, frameworks: options.frameworks } };
  const machine = machineInfo();
  const startedAt = new Date();
  const loadBefore = loadavg();
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const banner = options.quick
    ? 'QUICK MODE: few repetitions and short runs. These numbers are rough: use them to check the bench works, not to quote.'
    : 'Full run. On a shared machine the spreads show how far to trust each number.';
  log(`stripe-webhook-kit bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`);
  log(banner);
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') log('note: run node with --expose-gc for tighter spreads (garbage is then collected between measurements).');

  const tables: TableData[] = [];
  const results: Record<string, unknown> = {};
  const targets: Array<{ section: Section; label: string; target: Target }> = [];

  assertBuiltPackage();
  for (const section of options.only) {
    const started = performance.now();
    log(`\n== ${section} ==`);
    // Each section's modules are loaded when it runs, not before the first one: a database client
    // loaded early would change what the verification section measures (ioredis subclasses String,
    // which slows every charCodeAt in the process).
    if (section === 'verify') {
      const { runVerifyBench, verifyTable } = await import('./verify.js');
      const verify = await runVerifyBench(config.verify, log);
      tables.push(verifyTable(verify, config.verify));
      results.verify = verify;
      for (const size of verify) targets.push({ section, label: size.size, target: size.target });
    } else if (section === 'cold-start') {
      const { coldStartTable, runColdStartBench } = await import('./cold-start.js');
      const coldStart = await runColdStartBench(config['cold-start'], log);
      tables.push(coldStartTable(coldStart, config['cold-start']));
      results.coldStart = coldStart;
      for (const entry of coldStart.entries) if (entry.target) targets.push({ section, label: entry.specifier, target: entry.target });
    } else if (section === 'http') {
      const { httpTable, runHttpBench } = await import('./http.js');
      const http = await runHttpBench(config.http, log);
      tables.push(httpTable(http, config.http));
      results.http = http;
      for (const framework of http) {
        targets.push({ section, label: framework.framework, target: framework.target ?? { description: `skipped: ${framework.skipped ?? ''}`, met: false } });
        if (framework.defaultStoreTarget) targets.push({ section, label: `${framework.framework} default store`, target: framework.defaultStoreTarget });
      }
    } else if (section === 'overhead') {
      const { overheadTable, runOverheadBench } = await import('./handler-overhead.js');
      const overhead = await runOverheadBench(config.overhead, log);
      tables.push(overheadTable(overhead, config.overhead));
      results.overhead = overhead;
      targets.push({ section, label: 'telemetry', target: overhead.telemetryTarget }, { section, label: 'memory store', target: overhead.storeTarget });
    } else if (section === 'inbox') {
      const { inboxTable, runInboxBench } = await import('./inbox.js');
      const inbox = await runInboxBench(config.inbox, log);
      tables.push(inboxTable(inbox, config.inbox));
      results.inbox = inbox;
      for (const engine of inbox) for (const { label, target } of engine.targets) targets.push({ section, label, target });
    } else {
      const { runStoresBench, storesTable } = await import('./stores.js');
      const stores = await runStoresBench(config.stores, log);
      tables.push(storesTable(stores, config.stores));
      results.stores = stores;
      for (const store of stores) if (store.target) targets.push({ section, label: store.store, target: store.target });
    }
    log(`(${section}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  const loadAfter = loadavg();
  const header = [
    `stripe-webhook-kit bench, ${options.quick ? 'QUICK (rough numbers)' : 'full'} run of ${startedAt.toISOString()}`,
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}${machine.commit ? `, commit ${machine.commit}` : ''}`,
    `load average (1, 5, 15 min) before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${loadAfter.map((value) => value.toFixed(2)).join(' ')}`,
  ];
  const targetLines = targets.map(({ section, label, target }) => `${target.met ? 'met   ' : 'MISSED'}  ${section} ${label}: ${target.description}`);
  process.stdout.write(`\n${[...header, ...(options.quick ? [banner] : []), '', ...tables.map(renderTable).flatMap((table) => [table, '']), 'Targets', ...targetLines].join('\n')}\n`);

  const document = {
    mode: options.quick ? 'quick' : 'full',
    date: startedAt.toISOString(),
    machine: { ...machine, loadAverageBefore: loadBefore.map((value) => round(value, 3)), loadAverageAfter: loadAfter.map((value) => round(value, 3)) },
    config: Object.fromEntries(options.only.map((section) => [section, config[section]])),
    targets: targets.map(({ section, label, target }) => ({ section, label, ...target })),
    results: roundNumbers(results),
  };
  // Quick numbers are rough: they never overwrite the committed results of a full run.
  const out = options.out ?? (options.quick ? 'bench/.tmp/results-quick.json' : 'bench/results.json');
  writeFile(out, `${JSON.stringify(document, null, 2)}\n`);
  log(`\nwrote ${out}`);
  if (options.markdown) {
    writePerformanceMarkdown(options.markdown, header, tables, targetLines, options.quick ? banner : undefined);
    log(`wrote ${options.markdown}`);
  }
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Summaries and ratios rounded to a few significant digits: results.json diffs then show changes, not noise. */
function roundNumbers(value: unknown): unknown {
  if (typeof value === 'number') return round(value);
  if (Array.isArray(value)) return value.map(roundNumbers);
  if (typeof value === 'object' && value !== null) {
    if (isSummary(value)) return roundSummary(value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundNumbers(inner)]));
  }
  return value;
}

function isSummary(value: object): value is Summary {
  return ['median', 'min', 'max', 'q1', 'q3', 'n'].every((key) => key in value);
}

await main();
