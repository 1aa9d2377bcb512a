import { readFile } from 'node:fs/promises';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * The whole text of `path`, or of stdin for `-`. A file that cannot be read is a usage error
 * (exit 2) that names it, since nothing has been sent yet.
 */
export async function readInput(path: string, what: string, stdin: CliIo['stdin']): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw usageError(`cannot read ${what} "${path}": ${reason}`);
  }
}
