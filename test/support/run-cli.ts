// Runs the command: in process against the source (`runCli`, what most tests use), or the built
// dist/cli.js, the package's "bin", as a child process as a user would (`runBuiltCli`, smoke runs).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutputStream } from '../../src/cli/colors.js';
import { main } from '../../src/cli/main.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = join(root, 'dist/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  cwd?: string;
}

export interface InProcessRunOptions extends Omit<RunOptions, 'cwd'> {
  /** Output as if to a terminal (`isTTY`), as a person sees it. */
  terminal?: boolean;
}

/** `main(args, io)` from the source, with its output captured: what the built bin runs. */
export async function runCli(args: readonly string[], options: InProcessRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stream = (write: (text: string) => void): OutputStream => ({ write, isTTY: options.terminal === true });
  async function* stdin() {
    yield options.input ?? '';
  }
  const code = await main(args, {
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => (stderr += text)),
    stdin: stdin(),
    env: testEnv(options.env),
  });
  return { code, stdout, stderr };
}

/**
 * Asynchronous on purpose: a test's server runs in this process, and a synchronous spawn would
 * stop it from answering the very requests the command sends.
 */
export function runBuiltCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  assertBuilt();
  return runProcess(process.execPath, [cliPath, ...args], options);
}

/** The tests decide colour and secrets: nothing leaks in from the developer's shell. */
function testEnv(overrides: RunOptions['env'] = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, STRIPE_WEBHOOK_SECRET: undefined, ...overrides };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as Record<string, string>;
}

export function runProcess(file: string, args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env = testEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd ?? root, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The JSON lines a `--json` run printed. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The smoke runs exercise the built file, so a stale build would test old code: fail with the fix
 * instead (`npm test` builds before it runs vitest).
 */
export function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const built = statSync(cliPath).mtimeMs;
  const sources = ['src/cli', 'src/testing', 'src/catch-up'].flatMap((dir) => readdirSync(join(root, dir)).map((file) => join(root, dir, file)));
  const newer = sources.find((file) => statSync(file).mtimeMs > built);
  if (newer) throw new Error(`dist/cli.js is older than ${relative(root, newer)}: run \`npm run build\` first`);
}

/**
 * Runs the command with its stdout on a pseudo-terminal (util-linux `script`), which is how the
 * CLI meets a person: colours and a progress line. Terminal output ends lines with \r\n.
 */
export function runBuiltCliInTerminal(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  assertBuilt();
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, cliPath, ...args].map(quote).join(' ');
  return runProcess('script', ['--quiet', '--return', '--command', command, '/dev/null'], options);
}
