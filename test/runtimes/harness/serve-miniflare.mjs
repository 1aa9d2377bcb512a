// Serves the bundled Worker with miniflare's workerd on PORT, with a local D1 database bound as DB:
// node serve-miniflare.mjs <bundle.js>. MINIFLARE_MODULE is the installed `miniflare` entry.
import { pathToFileURL } from 'node:url';

const { Miniflare } = await import(pathToFileURL(process.env.MINIFLARE_MODULE).href);
const worker = new Miniflare({
  modules: true,
  scriptPath: process.argv[2],
  compatibilityDate: '2025-09-01',
  bindings: { STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET },
  d1Databases: ['DB'],
  host: '127.0.0.1',
  port: Number(process.env.PORT),
});
console.log(`listening ${await worker.ready}`);
process.on('SIGTERM', () => void worker.dispose().then(() => process.exit(0)));
