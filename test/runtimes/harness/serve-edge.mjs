// Serves the bundled edge entry with Vercel's edge-runtime on PORT: node serve-edge.mjs <bundle.js>.
// EDGE_RUNTIME_MODULE is the installed `edge-runtime` package's entry (it is not a dependency).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { EdgeRuntime, runServer } = await import(pathToFileURL(process.env.EDGE_RUNTIME_MODULE).href);
const env = { STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET };
// Next.js gives edge code `process.env` and nothing else of `process`.
const runtime = new EdgeRuntime({ initialCode: readFileSync(process.argv[2], 'utf8'), extend: (context) => Object.assign(context, { process: { env } }) });
const server = await runServer({ runtime, port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`listening ${server.url}`);
