import type { Worker } from 'bullmq';
import type { RedisLike } from './run-script.js';

/**
 * The Redis connection a BullMQ worker completes its jobs on, or undefined when this BullMQ does
 * not say. Redis runs the commands of one connection in the order they were sent, so a settle sent
 * on it before the job's completion is run before that completion, without waiting for its answer:
 * the worker saves one round trip per job and the job still completes only after its settle.
 *
 * BullMQ 6 completes a job on its backend's client (`worker.getBackend().client`, public from 6.0
 * on): the caller's own connection in early 6.x, a duplicate of it in later ones. Either way it is
 * the one to send the settle on.
 */
export async function jobConnection(worker: Worker): Promise<RedisLike | undefined> {
  const backend = (worker as Partial<Pick<Worker, 'getBackend'>>).getBackend?.() as { client?: Promise<unknown> } | undefined;
  const client = (await backend?.client) as Partial<RedisLike> | undefined;
  return typeof client?.evalsha === 'function' && typeof client.eval === 'function' ? (client as RedisLike) : undefined;
}

/**
 * Holds what is written on the connection until the current turn of the event loop ends, so that
 * a settle and the job's completion that follows it (a few promise steps later, in the same turn)
 * leave in one write: one system call instead of two here, and one read instead of two in Redis.
 * The order of the commands is the connection's either way; where the client exposes no socket,
 * each command is written as it is sent.
 */
export function holdWrites(connection: RedisLike): void {
  const socket = connection.stream;
  if (typeof socket?.cork !== 'function' || typeof socket.uncork !== 'function') return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}
