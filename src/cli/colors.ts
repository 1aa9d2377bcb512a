/** Where the CLI writes: `process.stdout` and `process.stderr` in real use. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

/**
 * Colour only for a person at a terminal: never in a pipe or a file (CI logs, `| jq`), and never
 * when NO_COLOR is set to a non-empty value (https://no-color.org) or the terminal is dumb.
 */
export function shouldUseColor(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function createPalette(enabled: boolean): Palette {
  if (!enabled) return { green: plain, red: plain, dim: plain };
  return { green: sgr(32, 39), red: sgr(31, 39), dim: sgr(2, 22) };
}
