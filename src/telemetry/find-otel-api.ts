import type { WebhookTelemetrySetting } from './telemetry-options.js';

interface NodeModuleBuiltin {
  createRequire(path: string): (id: string) => unknown;
}

/**
 * `@opentelemetry/api`: the module passed as `telemetry.api`, else the optional peer resolved from
 * this package's own folder, else `undefined`.
 *
 * Resolved with `createRequire` from `process.getBuiltinModule`, not `import(name)`: a computed
 * import specifier makes Cloudflare's workerd refuse the whole Worker ("dynamic module specifiers
 * are unsupported") and a literal one makes bundlers demand a package the app may not have.
 * Where there is no `getBuiltinModule` (workerd, edge runtimes) nothing is resolved: the app
 * passes the API it imported. Node, Bun and Deno need no configuration.
 */
export function findOtelApi(setting: WebhookTelemetrySetting | undefined): unknown {
  if (typeof setting === 'object' && setting.api !== undefined) return setting.api;
  // Once per process: a failed resolution searches every node_modules folder up to the root.
  installed ??= { api: requireOtelApi() };
  return installed.api;
}

let installed: { api: unknown } | undefined;

function requireOtelApi(): unknown {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return undefined;
  try {
    const nodeModule = process.getBuiltinModule('node:module') as NodeModuleBuiltin | undefined;
    // From the kit's own file: the peer is where the package manager put it for the kit (pnpm
    // links peers beside the package, not always at the app's root). The CommonJS build reads
    // `__filename` here instead (tsup.config.ts).
    return nodeModule?.createRequire(import.meta.url)('@opentelemetry/api');
  } catch {
    return undefined; // not installed: no telemetry, as documented
  }
}
