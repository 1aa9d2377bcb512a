// Issue 17's Nest bench: HTTP requests per second of our module against a hand-written Nest
// controller (`rawBody: true` + `constructEvent`, as Stripe's and Nest's docs show it),
// @golevelup/nestjs-stripe's webhook module, and a no-op controller, on Nest 11's Express and
// Fastify platforms, all in the same run and interleaved (see bench/README.md).
//
//   node --expose-gc --import tsx bench/nest-compare/run.ts [--quick] [--out=<file>]
//
// golevelup needs stripe 20 (the root has 23): it lives in bench/nest-compare/golevelup/ with its
// own package.json and lockfile, installed here (npm ci) when missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuiltPackage } from '../built-package.js';
import { builtPackageEnv, forkServer, load, signAhead, signedRequest, type RunningServer } from '../http-load.js';
import { benchSecret, deliveryTemplate, type DeliveryTemplate } from '../payloads.js';
import { formatNumber, formatRatio, interleave, pairedRatio, renderTable, round, roundSummary, summarize, type Summary } from '../stats.js';

const contenders = ['noop', 'handwritten', 'golevelup', 'ours'] as const;
type Contender = (typeof contenders)[number];
const platforms = ['express', 'fastify'] as const;
type Platform = (typeof platforms)[number];

const labels: Record<Contender, string> = {
  noop: 'no-op controller (rawBody, no verification)',
  handwritten: 'hand-written controller (rawBody + constructEvent)',
  golevelup: '@golevelup/nestjs-stripe 1.1 (stripe 20)',
  ours: 'ours: StripeWebhookModule, store: false, no rawBody',
};

const quick = process.argv.includes('--quick');
const config = quick
  ? { repetitions: 2, durationSeconds: 0.5, warmupSeconds: 0.3, connections: 32 }
  : { repetitions: 5, durationSeconds: 2, warmupSeconds: 2, connections: 32 };
const here = fileURLToPath(new URL('.', import.meta.url));
const golevelupDir = `${here}golevelup`;
const out = process.argv.find((argument) => argument.startsWith('--out='))?.slice('--out='.length) ?? (quick ? `${here}../.tmp/nest-compare.json` : `${here}results.json`);

function ensureGolevelup(): void {
  if (existsSync(`${golevelupDir}/node_modules/@golevelup/nestjs-stripe/package.json`)) return;
  console.log('installing @golevelup/nestjs-stripe in bench/nest-compare/golevelup (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: golevelupDir, stdio: 'inherit' });
}

/** Ours, hand-written and no-op are the main bench's Nest servers (bench/servers/nest-*.ts), on the built dist/. */
function startServer(platform: Platform, contender: Contender): Promise<RunningServer> {
  const label = `${platform} ${contender}`;
  if (contender === 'golevelup') return forkServer(`${golevelupDir}/server.mjs`, [platform, benchSecret], { cwd: golevelupDir }, label);
  const server = new URL(`../servers/nest-${platform}.ts`, import.meta.url);
  return forkServer(server, [contender === 'noop' ? 'ceiling' : contender], { execArgv: ['--import', 'tsx'], env: builtPackageEnv() }, label);
}

const sequence = { next: 1 };

/** Each contender must act as a webhook endpoint: 2xx for a signed delivery, an error for a forged one. */
async function checkServer(port: number, contender: Contender, template: DeliveryTemplate): Promise<void> {
  const post = async (request: { body: string; headers: Record<string, string> }) => (await fetch(`http://127.0.0.1:${port}/v1/webhook`, { method: 'POST', ...request })).status;
  const delivery = signedRequest(template, sequence);
  const signed = await post(delivery);
  if (signed < 200 || signed > 299) throw new Error(`${contender} answered a signed delivery with ${signed}`);
  if (contender === 'noop') return;
  const forged = await post({ body: delivery.body, headers: { ...delivery.headers, 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` } });
  if (forged < 400) throw new Error(`${contender} answered a forged signature with ${forged}`);
}

interface PlatformResult {
  platform: Platform;
  requestsPerSecond: Record<Contender, Summary>;
  ours: { toHandwritten: Summary; toGolevelup: Summary; toNoop: Summary };
  failures: number;
  /** Deliveries signed during the measurement because the ones signed ahead ran out: ideally 0. */
  signedDuringRun: number;
}

async function benchPlatform(platform: Platform, template: DeliveryTemplate): Promise<PlatformResult> {
  const started = await Promise.allSettled(contenders.map((contender) => startServer(platform, contender)));
  const servers = new Map<Contender, RunningServer>();
  started.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') servers.set(contenders[index] as Contender, outcome.value);
  });
  try {
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [contender, server] of servers) await checkServer(server.port, contender, template);
    // The rate each reached while warming up says how many deliveries to sign ahead of its runs.
    const expectedRate = new Map<Contender, number>();
    for (const [contender, server] of servers) {
      expectedRate.set(contender, (await load(server.port, config.warmupSeconds, config.connections, signAhead(template, sequence, 0))).requestsPerSecond);
    }
    let failures = 0;
    let signedDuringRun = 0;
    const rps = await interleave(contenders, config.repetitions, async (contender) => {
      const signed = signAhead(template, sequence, Math.ceil((expectedRate.get(contender) ?? 0) * config.durationSeconds * 1.5) + 500);
      const result = await load((servers.get(contender) as RunningServer).port, config.durationSeconds, config.connections, signed);
      failures += result.failures;
      signedDuringRun += result.signedDuringRun;
      return result.requestsPerSecond;
    });
    return {
      platform,
      requestsPerSecond: Object.fromEntries(contenders.map((contender) => [contender, summarize(rps[contender])])) as Record<Contender, Summary>,
      ours: { toHandwritten: pairedRatio(rps.ours, rps.handwritten), toGolevelup: pairedRatio(rps.ours, rps.golevelup), toNoop: pairedRatio(rps.ours, rps.noop) },
      failures,
      signedDuringRun,
    };
  } finally {
    for (const server of servers.values()) server.child.kill();
  }
}

assertBuiltPackage();
ensureGolevelup();
const template = deliveryTemplate();
const results: PlatformResult[] = [];
for (const platform of platforms) {
  console.log(`nest-compare: ${platform}...`);
  results.push(await benchPlatform(platform, template));
}

for (const result of results) {
  console.log(
    renderTable({
      title: `Nest 11 / ${result.platform}: requests per second, median (min-max) of ${config.repetitions}, ${config.connections} connections`,
      header: ['contender', 'req/s', 'ours / this (paired)'],
      rows: contenders.map((contender) => [
        labels[contender],
        `${formatNumber(result.requestsPerSecond[contender].median)} (${formatNumber(result.requestsPerSecond[contender].min)}-${formatNumber(result.requestsPerSecond[contender].max)})`,
        contender === 'ours' ? '' : formatRatio({ noop: result.ours.toNoop, handwritten: result.ours.toHandwritten, golevelup: result.ours.toGolevelup }[contender]),
      ]),
      notes: [`${result.failures} failed requests, ${result.signedDuringRun} deliveries signed during the runs`, 'A shared, noisy 2-core machine: quote the paired ratios, not the absolute numbers.'],
    }),
  );
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((value) => round(value, 3)), node: process.version },
      config,
      results: results.map((result) => ({
        platform: result.platform,
        failures: result.failures,
        signedDuringRun: result.signedDuringRun,
        requestsPerSecond: Object.fromEntries(Object.entries(result.requestsPerSecond).map(([name, summary]) => [name, roundSummary(summary)])),
        ours: Object.fromEntries(Object.entries(result.ours).map(([name, summary]) => [name, roundSummary(summary)])),
      })),
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${out}`);
