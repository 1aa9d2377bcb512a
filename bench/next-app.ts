// The Next.js App Router app of bench/http.ts (framework `next`). bench/next/ has its own
// package.json and lockfile, so the root's `npm ci` never installs Next. The app is installed and
// built on first use, and again only when its sources or the packed package change (a hash of
// both is kept in .next/), because install and `next build` take about a minute and a half.
// Each contender is then a `next start` process, as a user serves the app.
//
//   node --import tsx bench/next-app.ts   installs and builds it ahead, so that a bench run under
//                                         the shared lock does not hold the lock while building
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunningServer } from './http-load.js';
import { benchSecret } from './payloads.js';
import type { ServerVariant } from './servers/shared.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const appDir = join(root, 'bench/next');
const packDir = join(root, 'bench/.tmp/next-pack');
const stampFile = join(appDir, '.next/bench-build.json');
const nextBin = join(appDir, 'node_modules/next/dist/bin/next');
/** What the build depends on besides the packed package. */
const appSources = ['package.json', 'package-lock.json', 'next.config.mjs', 'tsconfig.json', 'app', 'lib'];
const npmQuiet = ['--no-audit', '--no-fund', '--loglevel=error'];

export interface NextBuild {
  /** Seconds spent packing, checking the hash and, unless cached, installing and building. */
  seconds: number;
  /** The previous build matched the sources and the package: nothing was installed or built. */
  cached: boolean;
}

/**
 * Installs and builds bench/next unless the last build had the same sources and package. The
 * package is the root's own `npm pack` (of the built dist/), installed unsaved on top of
 * `npm ci`, as test/nest-matrix/run.sh does: the app's lockfile never names it, so it stays valid.
 */
export function ensureNextApp(log: (line: string) => void): NextBuild {
  const started = performance.now();
  const tarball = packPackage();
  const hash = buildHash(tarball);
  const elapsed = () => (performance.now() - started) / 1000;
  if (existsSync(nextBin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return { seconds: elapsed(), cached: true };
  log('next: installing bench/next (npm ci, then the packed package) and running next build');
  execFileSync('npm', ['ci', ...npmQuiet], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'] });
  // --omit=peer: the kit's optional peers (Express, Nest, ...) have no place in a Next app.
  execFileSync('npm', ['install', '--no-save', '--omit=peer', ...npmQuiet, tarball], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [nextBin, 'build'], { cwd: appDir, env: nextEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(stampFile, hash);
  return { seconds: elapsed(), cached: false };
}

/** `npm pack` of the root without its prepack build: the bench has checked that dist/ is current. */
function packPackage(): string {
  mkdirSync(packDir, { recursive: true });
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1);
  return join(packDir, name ?? '');
}

// npm pack writes fixed timestamps, so the same dist/ gives the same tarball and the same hash.
function buildHash(tarball: string): string {
  const hash = createHash('sha256').update(readFileSync(tarball));
  for (const file of appSources.flatMap((source) => filesUnder(join(appDir, source)))) hash.update(relative(appDir, file)).update(readFileSync(file));
  return hash.digest('hex');
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => filesUnder(join(path, name)));
}

// The routes read the secret when their modules load, which `next build` does too.
const nextEnv = (): NodeJS.ProcessEnv => ({ ...process.env, BENCH_WEBHOOK_SECRET: benchSecret, NEXT_TELEMETRY_DISABLED: '1' });

/** The app's route of each contender: bench/next/app/<route>/route.ts. */
const routes: Partial<Record<ServerVariant, string>> = { ceiling: 'noop', handwritten: 'handwritten', ours: 'ours', 'ours-memory': 'ours-memory' };

const started = new Set<RunningServer['child']>();
// `next start` is not a fork of the bench: it would outlive a bench that stops on an error.
process.once('exit', () => {
  for (const child of started) child.kill();
});

/**
 * One `next start` process for `variant`, on a port the system picks (Next prints it), like the
 * other frameworks' one process per contender. `BENCH_NEXT_NODE_OPTIONS` adds Node flags to it,
 * e.g. `--cpu-prof --cpu-prof-dir=<absolute path>` (it runs in bench/next/; Next exits cleanly on
 * SIGTERM, so the profile is written when the bench stops the server).
 */
export function startNextServer(variant: ServerVariant): Promise<RunningServer> {
  const route = routes[variant];
  if (!route) return Promise.reject(new Error(`the Next app has no route for ${variant}`));
  const nodeOptions = process.env.BENCH_NEXT_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeOptions, nextBin, 'start', '--port', '0', '--hostname', '127.0.0.1'], {
    cwd: appDir,
    env: nextEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`next start (${variant}) did not start within 60 s`));
    }, 60_000);
    const read = (chunk: Buffer) => {
      // Kept short: only the start of what it printed is needed (the port, or the error).
      if (output.length < 4000) output += chunk.toString('utf8');
      const port = /Local:\s+http:\/\/[^:]+:(\d+)/.exec(output)?.[1];
      if (port && /Ready/.test(output)) {
        clearTimeout(timer);
        resolve({ child, port: Number(port), path: `/${route}` });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`next start (${variant}) exited (${code}) before listening: ${output.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const build = ensureNextApp((line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`next: ${build.cached ? 'up to date' : 'installed and built'} in ${build.seconds.toFixed(1)} s\n`);
}
