// A throwaway redis-server of the test's own, for what must not be done to the shared one
// (flushing its script cache, stopping it).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  url: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

// The ports the test suite may give its own servers (the shared Redis is on 6379).
const firstPort = 16400;
const lastPort = 16409;

/** Starts a redis-server on the first free port of 16400-16409, or on `port`. */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  if (port !== undefined) return startOn(port);
  let lastError: unknown;
  for (let candidate = firstPort; candidate <= lastPort; candidate++) {
    if (!(await isFree(candidate))) continue;
    try {
      return await startOn(candidate);
    } catch (error) {
      // Taken between the check and the start (another test file): try the next one.
      lastError = error;
    }
  }
  throw new Error(`no free port for a private redis-server in ${firstPort}-${lastPort}`, { cause: lastError });
}

async function startOn(port: number): Promise<PrivateRedis> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused connections while the server starts are expected; connect() reports them.
  probe.on('error', () => undefined);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
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
  return {
    url,
    pause: () => void server.kill('SIGSTOP'),
    resume: () => void server.kill('SIGCONT'),
    async stop() {
      if (server.exitCode === null) server.kill('SIGKILL');
      await exited;
    },
  };
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
