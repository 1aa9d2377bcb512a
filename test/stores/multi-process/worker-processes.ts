// Starts webhook workers as separate Node processes, as a deployment runs separate instances.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerConfig, WorkerMessage } from './worker-config.js';

export interface WorkerProcess {
  readonly name: string;
  /** The webhook endpoint. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process ended, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Asks the worker to close its server and connections, and waits for it to exit. */
  stop(): Promise<void>;
}

const workerFile = fileURLToPath(new URL('./webhook-worker.ts', import.meta.url));
// tsx runs the TypeScript worker straight from src/, so the test needs no build first.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const startTimeoutMs = 30_000;

export function startWorker(config: WorkerConfig): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, workerFile], {
    env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${config.name} did not start within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${config.name} exited while starting (code ${code}, signal ${signal})`));
    });
    child.on('message', (message: WorkerMessage) => {
      if (!message.ready) return;
      clearTimeout(timer);
      resolve({
        name: config.name,
        url: `http://127.0.0.1:${message.port}/v1/webhook`,
        child,
        exited,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const stopped = await Promise.race([exited.then(() => true), new Promise((done) => setTimeout(() => done(false), 10_000))]);
          if (!stopped) child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.stop()));
}
