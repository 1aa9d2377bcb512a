// One contender of row 2b in a process of its own (see handler-overhead.ts): it builds its handler,
// says so, then answers the bench's commands, one at a time, over IPC.
import { answerAll, overheadContenders, overheadHandler, signedRequest, type Contender, type ContenderCommand } from './handler-overhead.js';
import { deliveryTemplate } from './payloads.js';

const contender = process.argv[2] as Contender;
if (!overheadContenders.includes(contender)) throw new Error(`unknown contender ${contender}`);
const handle = await overheadHandler(contender);
const template = deliveryTemplate(5 * 1024);
let sequence = 0;
/**
 * New deliveries for every batch: new ids, as Stripe sends them (the memory store would answer
 * `duplicate` to an id it has seen, without dispatching), and bytes the handler has not read yet.
 */
const batchOf = (count: number) => Array.from({ length: count }, () => signedRequest(template, sequence++));
const send = (message: { answer?: number; error?: string }) => process.send?.(message);

async function run(command: ContenderCommand): Promise<number> {
  if ('warmup' in command) {
    for (let done = 0; done < command.warmup; ) {
      const batch = batchOf(Math.min(1000, command.warmup - done));
      await answerAll(handle, batch, contender);
      done += batch.length;
    }
    return 0;
  }
  // Signed before the clock starts: the HMACs of the batch are the load generator's work.
  const batch = batchOf(command.measure);
  const started = process.cpuUsage();
  await answerAll(handle, batch, contender);
  const { user, system } = process.cpuUsage(started);
  return (user + system) / batch.length;
}

process.on('message', (command: ContenderCommand) => {
  run(command).then(
    (answer) => send({ answer }),
    (error: unknown) => send({ error: error instanceof Error ? error.message : String(error) }),
  );
});
// The bench kills it once the row is measured; it also leaves with the bench.
process.on('disconnect', () => process.exit(0));
send({ answer: 0 });
