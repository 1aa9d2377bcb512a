// Drives the ingress and worker processes of the inbox's process tests (crash, restart) the way
// Stripe and an operator would: deliveries retried until a 2xx, processes started, killed, replaced.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type pg from 'pg';
import type Stripe from 'stripe';
import { createSignedRequest } from '../../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../../src/testing/create-test-event.js';
import type { Inbox, InboxStats } from '../../../src/inbox/types.js';
import { root } from '../../support/run-cli.js';
import { secret } from './boss.js';

export type RoleName = 'ingress' | 'worker';

export interface Role {
  child: ChildProcess;
  port?: number;
  /** What it printed (the last 4 kB), to explain an exit nobody asked for. */
  output(): string;
}

function spawnRole(role: RoleName, env: Record<string, string>): Promise<Role> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/inbox/processes', `${role}.ts`)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: string) => (output = (output + chunk).slice(-4096));
  child.stderr?.setEncoding('utf8').on('data', append);
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      append(chunk);
      const port = /listening (\d+)/.exec(output);
      if (port) resolve({ child, port: Number(port[1]), output: () => output });
      else if (/^ready$/m.test(output)) resolve({ child, output: () => output });
    });
    child.once('exit', (code, signal) => reject(new Error(`${role} exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
}

const exited = (role: Role) => new Promise<void>((resolve) => (role.child.exitCode !== null || role.child.signalCode !== null ? resolve() : role.child.once('exit', () => resolve())));

/** `count` checkout events with ids unique to the run (`tag`). */
export function crashEvents(count: number, tag: string): Stripe.Event[] {
  return Array.from({ length: count }, (_, index) =>
    createTestEvent('checkout.session.completed', { id: `evt_crash_${index}_${tag}`, data: { object: { metadata: { orderId: `o_${index}` } } } } as never),
  ) as Stripe.Event[];
}

export interface InboxFleet {
  readonly ingresses: Role[];
  readonly workers: Role[];
  /** Pids of the workers SIGKILLed so far. */
  readonly killedWorkers: Set<number>;
  /** Processes that exited without being killed (a crash), with what they printed. */
  readonly crashes: string[];
  /** Crashed workers that `supervised` accepted and replaced, as a process supervisor would. */
  readonly supervisedRestarts: string[];
  /** Starts `ingress` ingress processes, then `workers` workers, one by one (the first creates the schema). */
  startAll(ingress: number, workers: number): Promise<void>;
  /** SIGKILLs worker `index` and starts a fresh one in its place. */
  replaceWorker(index: number): Promise<void>;
  /**
   * Delivers `queue` over HTTP from `concurrency` senders, each delivery retried (to the next
   * ingress) until a 2xx, as Stripe does. `afterAck` runs after each 2xx, with its ordinal.
   */
  deliver(queue: readonly Stripe.Event[], concurrency: number, afterAck?: (ack: number, ingress: Role) => Promise<void>): Promise<void>;
  /** SIGKILLs `ingress`, which has just answered, and starts another in its place. */
  replaceIngress(ingress: Role): Promise<void>;
  killAll(): Promise<void>;
}

/**
 * `supervised`: which worker crashes to answer by starting another worker (as systemd or Kubernetes
 * would) instead of failing the test; by default none.
 */
export function inboxFleet(env: Record<string, string>, supervised: (output: string) => boolean = () => false): InboxFleet {
  const roles: Role[] = [];
  const ingresses: Role[] = [];
  const workers: Role[] = [];
  const killedWorkers = new Set<number>();
  const killed = new Set<ChildProcess>();
  const crashes: string[] = [];
  const supervisedRestarts: string[] = [];
  let deliveries = 0;
  const start = async (role: RoleName) => {
    const started = await spawnRole(role, env);
    roles.push(started);
    // 'close', not 'exit': by then the process's last words have been read from its pipes.
    started.child.once('close', (code, signal) => {
      if (killed.has(started.child)) return;
      const report = `${role} ${started.child.pid} exited (${code ?? signal}):\n${started.output()}`;
      const index = workers.indexOf(started);
      if (role !== 'worker' || index < 0 || !supervised(started.output())) return void crashes.push(report);
      supervisedRestarts.push(report);
      // A supervisor retries until the new process starts: the server may still be down.
      void (async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return void (workers[index] = await start('worker'));
          } catch (error) {
            if (attempt >= 30) return void crashes.push(`a supervised worker could not be restarted: ${String(error)}`);
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      })();
    });
    return started;
  };
  const kill = (role: Role) => {
    killed.add(role.child);
    role.child.kill('SIGKILL');
  };
  return {
    ingresses,
    workers,
    killedWorkers,
    crashes,
    supervisedRestarts,
    async startAll(ingressCount, workerCount) {
      for (let index = 0; index < ingressCount; index++) ingresses.push(await start('ingress'));
      for (let index = 0; index < workerCount; index++) workers.push(await start('worker'));
    },
    async replaceWorker(index) {
      const worker = workers[index] as Role;
      if (worker.child.pid !== undefined) killedWorkers.add(worker.child.pid);
      kill(worker);
      workers[index] = await start('worker');
    },
    async replaceIngress(ingress) {
      const index = ingresses.indexOf(ingress);
      // Two senders can be answered by one ingress at once: the first one replaces it.
      if (index < 0) return;
      kill(ingress);
      ingresses[index] = await start('ingress');
    },
    async deliver(queue, concurrency, afterAck) {
      let next = 0;
      let acks = 0;
      const deliverOne = async (event: Stripe.Event) => {
        const request = createSignedRequest(event, secret);
        for (let attempt = 0; ; attempt++) {
          // Stripe would retry for days; a test fails at once, showing what the process printed.
          if (crashes.length > 0) throw new Error(`a process crashed:\n${crashes.join('\n')}`);
          const ingress = ingresses[(deliveries++ + attempt) % ingresses.length] as Role;
          try {
            const response = await fetch(`http://127.0.0.1:${ingress.port}/`, { method: 'POST', headers: request.headers, body: request.body });
            await response.text();
            if (response.ok) return void (await afterAck?.(++acks, ingress));
          } catch {
            // The ingress was killed, or is being replaced: Stripe retries.
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < queue.length) await deliverOne(queue[next++] as Stripe.Event);
        }),
      );
    },
    async killAll() {
      for (const role of roles) kill(role);
      await Promise.all(roles.map(exited));
    },
  };
}

/**
 * Polls `settled()` until it reaches `total` or `timeoutMs` passes (or a process of `fleet`
 * crashed); resolves the last count.
 */
export async function waitSettled(fleet: InboxFleet, settled: () => Promise<number>, total: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await settled();
  while (count < total && Date.now() < deadline && fleet.crashes.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    count = await settled();
  }
  return count;
}

export interface EffectCount {
  total: number;
  distinctEvents: number;
  /** Effects applied again although the worker that applied them first was never killed. */
  unexplainedRepeats: number;
  /** Effects applied again after the worker that applied them was killed before recording done. */
  repeatsAfterKill: number;
}

/**
 * Counts the handlers' effects (rows `(seq, event_id, worker)` the worker processes write). Without a
 * transaction shared with the done mark (BullMQ), a worker killed between its effect and its done
 * mark leaves an effect that the next attempt repeats: at least once is all that can be promised
 * then. Any other repeat is a bug.
 */
export async function countEffects(db: pg.Pool, table: string, killedWorkers: ReadonlySet<number>): Promise<EffectCount> {
  const { rows } = await db.query<{ event_id: string; worker: number }>(`SELECT event_id, worker FROM ${table} ORDER BY event_id, seq`);
  const count: EffectCount = { total: rows.length, distinctEvents: 0, unexplainedRepeats: 0, repeatsAfterKill: 0 };
  rows.forEach((row, index) => {
    const next = rows[index + 1];
    if (next?.event_id !== row.event_id) return void count.distinctEvents++;
    if (killedWorkers.has(row.worker)) count.repeatsAfterKill++;
    else count.unexplainedRepeats++;
  });
  return count;
}

/** Events by status, and the dead ones whose last attempt names no reason (there must be none). */
export async function settledReport(inbox: Inbox): Promise<{ stats: InboxStats; deadWithoutReason: string[] }> {
  const stats = await inbox.stats();
  const deadWithoutReason: string[] = [];
  for (let page = await inbox.list({ status: 'dead', limit: 100 }); ; page = await inbox.list({ status: 'dead', limit: 100, cursor: page.nextCursor })) {
    for (const entry of page.items) if (!(await inbox.get(entry.id))?.attempts.at(-1)?.error) deadWithoutReason.push(entry.id);
    if (!page.nextCursor) break;
  }
  return { stats, deadWithoutReason };
}

/** Events that reached an end (done, dead, discarded); -1 while the inbox cannot be read. */
export async function settledCount(inbox: Inbox): Promise<number> {
  try {
    const stats = await inbox.stats();
    return stats.done + stats.dead + stats.discarded;
  } catch {
    return -1;
  }
}
