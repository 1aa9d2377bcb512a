import type { OutputStream } from './colors.js';

/** What a command reads and writes, passed in so that nothing reaches for `process` on its own. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: AsyncIterable<string | Uint8Array>;
  env: NodeJS.ProcessEnv;
}
