// Row 2: requests per second and p99 latency over HTTP, our adapters against the hand-written
// handler of Stripe's docs and the framework's ceiling. Each server runs in its own process
// (bench/servers/*.ts); autocannon drives it from this one with 32 connections. Every request is
// a distinct, validly signed Checkout Session event (a new event id each time), so deduplication
// lets every delivery through and all contenders do the same work.
import { builtPackageEnv, forkServer, load, serverCpu, signAhead, signedRequest, type LoadResult, type RunningServer } from './http-load.js';
import { ensureNextApp, startNextServer, type NextBuild } from './next-app.js';
import { deliveryTemplate, type DeliveryTemplate } from './payloads.js';
import { frameworks, type BenchFramework, type ServerVariant } from './servers/shared.js';
import { formatNumber, formatRatio, formatSpread, formatTarget, interleave, pairedRatio, summarize, type Summary, type TableData, type Target } from './stats.js';

export interface HttpConfig {
  repetitions: number;
  /** Seconds of load per measurement. */
  durationSeconds: number;
  /** Seconds of load per server before any measurement, so each is JIT-compiled. */
  warmupSeconds: number;
  connections: number;
  /** Server names (`express`, `fastify`, `nest-express`, `nest-fastify`, `hono`, `next`) to run; default all but the opt-in ones. */
  frameworks?: readonly string[];
}

export interface HttpContenderResult {
  variant: ServerVariant;
  requestsPerSecond: Summary;
  /** Milliseconds. */
  p99: Summary;
  /** The server's CPU time per answered request, microseconds. */
  cpuPerRequest: Summary;
  /** Throughput over the hand-written handler's, paired by repetition. */
  ratioToHandwritten: Summary;
  /** `ours-telemetry` and `otel-floor` only: CPU per request over `ours`'s, paired by repetition (1.05 = 5% more). */
  cpuToOurs?: Summary;
  /** Requests that got no 2xx answer, or failed, over the whole measurement: must be 0. */
  failures: number;
  /** Deliveries signed during the measurement because the ones signed ahead ran out: ideally 0. */
  signedDuringRun: number;
}

export interface HttpFrameworkResult {
  framework: string;
  contenders?: HttpContenderResult[];
  /** Why the framework was skipped (an adapter not written yet, a server that did not start). */
  skipped?: string;
  /** Next.js only: what installing and building its app took before the run (not measured time). */
  build?: NextBuild;
  /** Ours with `store: false` against the hand-written handler: like for like. */
  target?: Target;
  /** Ours with the default store, `memoryStore()`, against the hand-written handler: what an app gets unconfigured. */
  defaultStoreTarget?: Target;
  /** Interleaved runs per contender, when not the section's (`repetitionScale`). */
  repetitions?: number;
}

const minRatio = 1.0;

export async function runHttpBench(config: HttpConfig, progress: (line: string) => void): Promise<HttpFrameworkResult[]> {
  const template = deliveryTemplate();
  // One sequence for the whole run: no event id is ever sent twice, to any server.
  const sequence = { next: 1 };
  const results: HttpFrameworkResult[] = [];
  for (const framework of frameworks.filter((one) => (config.frameworks ? config.frameworks.includes(one.server) : !one.optIn))) {
    const { name, server, variants: serverVariants } = framework;
    const repetitions = Math.round(config.repetitions * (framework.repetitionScale ?? 1));
    const servers = new Map<ServerVariant, RunningServer>();
    // Requests per second each server reached while warming up: how many deliveries to sign ahead.
    const expectedRate = new Map<ServerVariant, number>();
    let build: NextBuild | undefined;
    try {
      if (server === 'next') {
        build = ensureNextApp(progress);
        progress(`http ${name}: app ${build.cached ? 'already built' : 'installed and built'} in ${build.seconds.toFixed(1)} s`);
      }
      // Started together (nothing is measured yet): the start-ups of Nest apps take seconds.
      const started = await Promise.allSettled(serverVariants.map((variant) => (server === 'next' ? startNextServer(variant) : startServer(server, variant))));
      started.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled') servers.set(serverVariants[index] as ServerVariant, outcome.value);
      });
      const failed = started.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      for (const [variant, running] of servers) await checkServer(running, variant, template, sequence);
    } catch (error) {
      for (const running of servers.values()) running.child.kill();
      results.push({ framework: name, skipped: (error as Error).message, build });
      progress(`http ${name}: skipped (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    try {
      for (const [variant, running] of servers) {
        const warm = await load(running.port, config.warmupSeconds, config.connections, signAhead(template, sequence, 0), running.path);
        expectedRate.set(variant, warm.requestsPerSecond);
      }
      const runs = new Map<ServerVariant, Array<LoadResult & { cpuPerRequest: number }>>(serverVariants.map((variant) => [variant, []]));
      const throughput = await interleave(serverVariants, repetitions, async (variant) => {
        // Signed before the run, so autocannon does not compete with the server for CPU with HMACs.
        const signed = signAhead(template, sequence, Math.ceil((expectedRate.get(variant) ?? 0) * config.durationSeconds * 1.5) + 500);
        const running = servers.get(variant) as RunningServer;
        const cpuBefore = await serverCpu(running);
        const result = await load(running.port, config.durationSeconds, config.connections, signed, running.path);
        runs.get(variant)?.push({ ...result, cpuPerRequest: ((await serverCpu(running)) - cpuBefore) / Math.max(1, result.answered) });
        return result.requestsPerSecond;
      });
      const cpu = Object.fromEntries(serverVariants.map((variant) => [variant, (runs.get(variant) ?? []).map((run) => run.cpuPerRequest)])) as Record<ServerVariant, number[]>;
      const contenders = serverVariants.map((variant): HttpContenderResult => {
        const variantRuns = runs.get(variant) ?? [];
        return {
          variant,
          requestsPerSecond: summarize(throughput[variant]),
          p99: summarize(variantRuns.map((run) => run.p99)),
          cpuPerRequest: summarize(cpu[variant]),
          ratioToHandwritten: pairedRatio(throughput[variant], throughput.handwritten),
          ...((variant === 'ours-telemetry' || variant === 'otel-floor') && { cpuToOurs: pairedRatio(cpu[variant], cpu.ours) }),
          failures: variantRuns.reduce((sum, run) => sum + run.failures, 0),
          signedDuringRun: variantRuns.reduce((sum, run) => sum + run.signedDuringRun, 0),
        };
      });
      const ratioOf = (variant: ServerVariant) => contenders.find((contender) => contender.variant === variant)?.ratioToHandwritten.median ?? Number.NaN;
      const ratio = ratioOf('ours');
      const defaultStoreRatio = ratioOf('ours-memory');
      const failures = contenders.reduce((sum, contender) => sum + contender.failures, 0);
      const failed = failures > 0 ? `; ${failures} failed requests` : '';
      // The telemetry rows are information here: over HTTP their few microseconds drown in the
      // spread of 5 runs. Their target is in the in-process row (bench/handler-overhead.ts).
      results.push({
        framework: name,
        contenders,
        build,
        ...(repetitions !== config.repetitions && { repetitions }),
        target: {
          description: `ours (store: false) >= ${minRatio.toFixed(2)}x hand-written (${ratio.toFixed(2)}x)${failed}`,
          met: ratio >= minRatio && failures === 0,
        },
        defaultStoreTarget: {
          description: `ours (memoryStore(), the default) >= ${minRatio.toFixed(2)}x hand-written (${defaultStoreRatio.toFixed(2)}x)${failed}`,
          met: defaultStoreRatio >= minRatio && failures === 0,
        },
      });
      progress(`http ${name}: ours ${ratio.toFixed(2)}x hand-written`);
    } finally {
      for (const running of servers.values()) running.child.kill();
    }
  }
  return results;
}

/** `bench/servers/<server>.ts <variant>` under tsx, on the built dist/. */
function startServer(server: string, variant: ServerVariant): Promise<RunningServer> {
  return forkServer(new URL(`./servers/${server}.ts`, import.meta.url), [variant], { execArgv: ['--import', 'tsx'], env: builtPackageEnv() }, `${server} ${variant}`);
}

/**
 * A contender counts only if it answers like a webhook endpoint: 200 `received` for a signed
 * delivery, 400 for a bad signature (except the ceiling, which verifies nothing), and, with the
 * memory store, `duplicate` for the same delivery again. A bench of a broken server is worthless.
 */
async function checkServer(server: RunningServer, variant: ServerVariant, template: DeliveryTemplate, sequence: { next: number }): Promise<void> {
  const url = `http://127.0.0.1:${server.port}${server.path ?? '/v1/webhook'}`;
  const post = async (request: { body: string; headers: Record<string, string> }) => {
    const response = await fetch(url, { method: 'POST', ...request });
    return { status: response.status, body: await response.text() };
  };
  const delivery = signedRequest(template, sequence);
  const first = await post(delivery);
  if (first.status !== 200 || !first.body.includes('"received":true')) throw new Error(`${variant} answered a signed delivery with ${first.status} ${first.body.slice(0, 200)}`);
  if (variant === 'ceiling') return;
  const forged = await post({ body: delivery.body, headers: { ...delivery.headers, 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` } });
  if (forged.status !== 400) throw new Error(`${variant} answered a forged signature with ${forged.status}`);
  if (variant === 'ours-memory') {
    const again = await post(delivery);
    if (!again.body.includes('"duplicate":true')) throw new Error(`ours-memory did not recognize a duplicate: ${again.status} ${again.body}`);
  }
}

const variantLabels: Record<ServerVariant, string> = {
  ceiling: 'ceiling: raw body, no verification',
  handwritten: 'hand-written: constructEvent (Stripe docs)',
  'handwritten-same-response': 'hand-written, answered with writeHead/end as ours',
  ours: 'ours, store: false',
  'ours-memory': 'ours, memory store (default)',
  'ours-via-body-stream': 'ours, store: false, body via request.body (the earlier adapter)',
  'ours-telemetry': 'ours, store: false, OpenTelemetry SDK registered',
  'otel-floor': 'ours, store: false, telemetry off; SDK floor: 1 empty span + 1 histogram record per request',
};

function variantLabel(framework: BenchFramework | undefined, variant: ServerVariant): string {
  return (variant === 'handwritten' ? framework?.handwrittenLabel : undefined) ?? variantLabels[variant];
}

export function httpTable(results: readonly HttpFrameworkResult[], config: HttpConfig): TableData {
  const rows: string[][] = [];
  for (const result of results) {
    if (!result.contenders) {
      rows.push([result.framework, `skipped: ${result.skipped ?? ''}`, '', '', '', '', '']);
      continue;
    }
    result.contenders.forEach((contender, index) => {
      rows.push([
        index === 0 ? result.framework : '',
        variantLabel(frameworks.find((one) => one.name === result.framework), contender.variant) + (contender.failures > 0 ? ` (${contender.failures} failed)` : ''),
        formatSpread(contender.requestsPerSecond),
        formatNumber(contender.p99.median),
        formatNumber(contender.cpuPerRequest.median),
        contender.variant === 'handwritten' ? 'baseline' : formatRatio(contender.ratioToHandwritten),
        contender.variant === 'ours' ? formatTarget(result.target) : contender.variant === 'ours-memory' ? formatTarget(result.defaultStoreTarget) : '',
      ]);
    });
  }
  const collapsed = results.flatMap((result) =>
    (result.contenders ?? []).filter((contender) => contender.requestsPerSecond.min < contender.requestsPerSecond.max / 3).map((contender) => `${result.framework} ${contender.variant}`),
  );
  return {
    title: `2. HTTP: requests/s, median (min-max) of ${config.repetitions} interleaved ${config.durationSeconds} s runs, ${config.connections} connections`,
    header: ['framework', 'handler', 'requests/s', 'p99 ms', 'server CPU µs/req', 'vs hand-written', 'target'],
    rows,
    notes: [
      'Server in its own process, running the built dist/; autocannon in the bench process. Every request is a distinct, validly signed checkout.session.completed event (~5 KB, a new event id each, signed before the run), so the memory store lets each through.',
      'Express ceiling answers with writeHead/end (as ours does); Hono ceiling reads the body with arrayBuffer() and answers with c.json(); Next.js ceiling reads it with request.arrayBuffer() and answers with Response.json().',
      ...results.flatMap((result) => (result.repetitions ? [`${result.framework}: ${result.repetitions} interleaved runs per contender, not ${config.repetitions}: the framework's own cost per request dwarfs the handlers', so their difference needs more runs to show.`] : [])),
      ...results.flatMap((result) => (result.build ? [`${result.framework}: one \`next start\` process per contender, each hitting its own route of one \`next build\` (bench/next/); install and build took ${result.build.seconds.toFixed(0)} s${result.build.cached ? ' (cached: sources and package unchanged)' : ''}, before and outside the measurement.`] : [])),
      'Nest: hand-written and ceiling apps use { rawBody: true }; ours uses the default app (the module reads the raw body itself).',
      'server CPU µs/req: the server process\'s CPU time over the requests it answered (median of the runs); unlike requests/s it hardly moves when the machine is busy.',
      '"ours" runs with @opentelemetry/api installed and no SDK registered (the kit sees no SDK and makes no span); "OpenTelemetry SDK registered" adds the SDK, spans batched to an exporter that drops them and metrics aggregated: its CPU per request over "ours" is the cost of telemetry, shown as information (the target on it is in table 2b, measured in process).',
      'The SDK floor row is ours with telemetry off in an app with the same SDK, where a middleware starts and ends one span with no attributes and records one histogram value per request: the least any instrumentation that traces each delivery can cost.',
      ...results.flatMap((result) => {
        const ratioOf = (variant: ServerVariant) => result.contenders?.find((contender) => contender.variant === variant)?.cpuToOurs;
        const telemetry = ratioOf('ours-telemetry');
        const floor = ratioOf('otel-floor');
        return telemetry
          ? [`${result.framework}: server CPU per request vs ours (paired): with the kit's telemetry ${formatRatio(telemetry)}${floor ? `; the SDK floor ${formatRatio(floor)}` : ''}`]
          : [];
      }),
      ...(collapsed.length > 0
        ? [`Throughput collapsed in some runs of: ${collapsed.join(', ')} (min < max/3): the machine was busy, or a contender stalled; rerun before quoting.`]
        : []),
    ],
  };
}
