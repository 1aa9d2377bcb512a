// A throwaway PostgreSQL server of the test's own (initdb in a temporary directory), for what must
// never be done to the shared one: stopping it hard, restarting it, killing its connections.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PrivatePostgres {
  url: string;
  /** Stops the server as a crash would (`-m immediate`: no checkpoint, clients cut off). */
  crash(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Ends every client connection but the caller's, as a failover or a proxy would. */
  killConnections(): Promise<number>;
  /** Stops the server and deletes its data. */
  remove(): Promise<void>;
}

// The ports the test suite may give its own servers (the shared PostgreSQL is on 5432). A test file
// that runs beside the others may pass a range of its own, so that their servers never collide.
const defaultPorts: readonly [number, number] = [54400, 54409];

export interface PrivatePostgresOptions {
  /** Server settings passed as `-c name=value` (e.g. a long `wal_writer_delay`). */
  settings?: Record<string, string>;
  /** First and last port to try. Default 54400-54409. */
  ports?: readonly [number, number];
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (install postgresql)');
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user then. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...runAs(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.join(' ')} exited with ${code}: ${stderr}`))));
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const [firstPort, lastPort] = options.ports ?? defaultPorts;
  const settings = options.settings ?? {};
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'swk-pg-'));
  const data = join(root, 'data');
  const owner = runAs();
  if (owner) chownSync(root, owner.uid, owner.gid);
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);

  const extra = Object.entries(settings).map(([name, value]) => ` -c ${name}=${value}`).join('');
  let port = 0;
  const startServer = () =>
    run(join(bin, 'pg_ctl'), [
      '-D', data, '-l', join(root, 'server.log'), '-w', '-t', '30',
      // fsync off: the test kills the server, never the machine, so the OS keeps every write.
      '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200${extra}`,
      'start',
    ]);
  for (let candidate = firstPort; candidate <= lastPort && port === 0; candidate++) {
    if (!(await isFree(candidate))) continue;
    port = candidate;
    try {
      await startServer();
    } catch {
      port = 0;
    }
  }
  if (port === 0) throw new Error(`no free port for a private PostgreSQL in ${firstPort}-${lastPort}`);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = (mode: 'immediate' | 'fast') => run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
  return {
    url,
    crash: () => stop('immediate'),
    start: startServer,
    async killConnections() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
        return (rows[0] as { killed: number }).killed;
      } finally {
        await client.end();
      }
    },
    async remove() {
      await stop('immediate').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
