import type * as NodeCrypto from 'node:crypto';

// Loading node:crypto takes about 3 ms, most of what importing this package would cost, so it is
// loaded at the first use instead (at once if the app has loaded it already, as apps using
// stripe, express or pg have). Through `process.getBuiltinModule`, never an import statement, so
// that runtimes without it (Cloudflare Workers without nodejs_compat, edge runtimes) load the kit.
let loaded: typeof NodeCrypto | null | undefined;

/** `node:crypto` where the runtime has it (Node, Bun, Deno), else `undefined`. */
export function nodeCrypto(): typeof NodeCrypto | undefined {
  if (loaded === undefined) {
    const builtin = typeof process === 'undefined' ? undefined : process.getBuiltinModule?.('node:crypto');
    loaded = builtin ?? null;
  }
  return loaded ?? undefined;
}
