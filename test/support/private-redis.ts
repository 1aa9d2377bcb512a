// A throwaway redis-server of the test's own, for what must not be done to the shared one
// (flushing its script cache, freezing it, killing and restarting it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  url: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Kills the server (SIGKILL) and starts it again on the same port (and data, when persistent). */
  restart(): Promise<void>;
  /** Ends every client connection but the caller's. */
  killConnections(): Promise<number>;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Keep the data across a restart, as a production Redis must for the store: an append-only
   * file written before each reply (`appendfsync always`), in a temporary directory.
   */
  persistent?: boolean;
  /** First and last port to try, for a test file that must not collide with the others. Default 16400-16409. */
  ports?: readonly [number, number];
}

// The ports the test suite may give its own servers (the shared Redis is on 6379).
const defaultPorts: readonly [number, number] = [16400, 16409];

/** Starts a redis-server on the first free port of the range (16400-16409 unless `ports` says). */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const [firstPort, lastPort] = options.ports ?? defaultPorts;
  const dir = options.persistent ? mkdtempSync(join(tmpdir(), 'swk-redis-')) : undefined;
  let lastError: unknown;
  for (let port = firstPort; port <= lastPort; port++) {
    if (!(await isFree(port))) continue;
    try {
      return await managed(port, dir);
    } catch (error) {
      // Taken between the check and the start (another test file): try the next one.
      lastError = error;
    }
  }
  throw new Error(`no free port for a private redis-server in ${firstPort}-${lastPort}`, { cause: lastError });
}

async function managed(port: number, dir: string | undefined): Promise<PrivateRedis> {
  const url = `redis://127.0.0.1:${port}`;
  let server = await startOn(port, url, dir);
  const kill = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.kill('SIGKILL');
      await exited;
    }
  };
  return {
    url,
    pause: () => void server.kill('SIGSTOP'),
    resume: () => void server.kill('SIGCONT'),
    async restart() {
      await kill();
      server = await startOn(port, url, dir);
    },
    async killConnections() {
      const client = new Redis(url, { maxRetriesPerRequest: 0 });
      try {
        return Number(await client.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'));
      } finally {
        client.disconnect();
      }
    },
    async stop() {
      await kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startOn(port: number, url: string, dir: string | undefined): Promise<ChildProcess> {
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused connections while the server starts are expected; connect() reports them.
  probe.on('error', () => undefined);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        return server;
      } catch (error) {
        if (attempt >= 50 || server.exitCode !== null) {
          if (server.exitCode === null) server.kill('SIGKILL');
          throw new Error(`redis-server did not start on port ${port}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    probe.disconnect();
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
