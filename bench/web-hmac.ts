// The Web handler's verification on Node: node:crypto (taken through process.getBuiltinModule,
// what createFetchHandler uses where the runtime has it) against Web Crypto (what it uses on
// Workers and edge runtimes), in microseconds per verified delivery, interleaved in one process.
//   node --expose-gc --import tsx bench/web-hmac.ts
import { verifySignatureAsync } from '../src/verify/verify-and-parse-async.js';
import { parseDelivery, verifyDeliveryAsync } from '../src/verify/verify-delivery.js';
import { benchSecret, checkoutSessionEvent, serializeEvent, signBody } from './payloads.js';
import { collectGarbage, formatSpread, interleave, pairedRatio, summarize } from './stats.js';

const contenders = ['node:crypto (getBuiltinModule)', 'Web Crypto'] as const;
const repetitions = 15;
const callsPerBatch = 2000;

for (const [size, bytes, trimmed] of [['1 KiB', 1024, true], ['16 KiB', 16 * 1024, false]] as const) {
  const { body, signature } = signBody(serializeEvent(checkoutSessionEvent('evt_bench_web_hmac', trimmed), bytes));
  const verify = {
    'node:crypto (getBuiltinModule)': () => verifyDeliveryAsync(body, signature, benchSecret),
    'Web Crypto': async () => parseDelivery(await verifySignatureAsync(body, signature, benchSecret)),
  };
  for (const contender of contenders) for (let i = 0; i < 500; i++) await verify[contender]();
  const values = await interleave(contenders, repetitions, async (contender) => {
    collectGarbage();
    const started = performance.now();
    for (let i = 0; i < callsPerBatch; i++) await verify[contender]();
    return ((performance.now() - started) * 1000) / callsPerBatch;
  });
  for (const contender of contenders) console.log(`${size} ${contender}: ${formatSpread(summarize(values[contender]))} µs per delivery`);
  const ratio = pairedRatio(values['Web Crypto'], values['node:crypto (getBuiltinModule)']);
  console.log(`${size} Web Crypto / node:crypto: ${formatSpread(ratio)}`);
}
