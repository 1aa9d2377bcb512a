import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './errors.js';
import { closestMatch } from './suggest.js';
import { isLoopbackHost } from '../console/authorize-request.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` in strict mode, with its errors turned into one-line usage errors that point at the
 * command's help. (`--help` never gets here: main.ts answers it first.)
 */
export function parseCommandLine<const O extends OptionsConfig>(command: string, args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages continue with advice about `--`; the first sentence is the useful part.
    const message = error instanceof Error ? (error.message.split(/\.\s/)[0] ?? error.message) : String(error);
    const sentence = message.replace(/\.$/, '');
    throw usageError(`${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}${suggestOption(error, options)} (see: stripe-webhook-kit ${command} --help)`);
  }
}

/** `; did you mean --metadata?` for a mistyped option, as for a mistyped command. */
function suggestOption(error: unknown, options: OptionsConfig): string {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return '';
  const typed = /'(--?[^'=]+)/.exec((error as Error).message)?.[1];
  if (typed === undefined) return '';
  const suggestion = closestMatch(typed.replace(/^-+/, ''), [...Object.keys(options), 'help']);
  return suggestion === undefined ? '' : `; did you mean --${suggestion}?`;
}

/** Exactly one positional argument, named in the error when it is missing or doubled. */
export function singlePositional(command: string, positionals: readonly string[], name: string): string {
  if (positionals.length === 0) throw usageError(`missing <${name}> (see: stripe-webhook-kit ${command} --help)`);
  if (positionals.length > 1) throw usageError(`expected one <${name}>, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0] as string;
}

/**
 * The signing secret from `--secret`, else STRIPE_WEBHOOK_SECRET. Only an endpoint secret
 * (`whsec_...`) is accepted: signing with an API key or a secret with stray whitespace would
 * produce deliveries the server rightly refuses, which looks like a bug in the server.
 * The secret itself is never echoed.
 */
export function resolveSecret(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const secret = flag ?? env.STRIPE_WEBHOOK_SECRET;
  const source = flag === undefined ? 'STRIPE_WEBHOOK_SECRET' : '--secret';
  if (secret === undefined || secret === '') {
    throw usageError('missing the signing secret: pass --secret whsec_... or set STRIPE_WEBHOOK_SECRET');
  }
  if (secret.trim() !== secret) throw usageError(`${source} has leading or trailing whitespace: remove it, the server compares the exact secret`);
  if (/^(sk|rk|pk)_/.test(secret)) {
    throw usageError(`${source} looks like an API key; deliveries are signed with the endpoint's signing secret, which starts with whsec_`);
  }
  if (!secret.startsWith('whsec_')) throw usageError(`${source} must be a webhook signing secret starting with whsec_`);
  return secret;
}

/**
 * The `--forward-to` URL. Like `stripe listen --forward-to`, a URL without a scheme
 * (`localhost:8000/v1/webhook`) means plain http.
 */
export function parseForwardTo(value: string | undefined): URL {
  if (value === undefined || value === '') throw usageError('missing --forward-to <url>, e.g. --forward-to localhost:8000/v1/webhook');
  if (value.startsWith('/')) throw usageError(`--forward-to "${value}" has no host: write e.g. localhost:8000${value}`);
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`--forward-to "${value}" is not a valid URL; write e.g. http://localhost:8000/v1/webhook`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--forward-to "${value}" must be an http:// or https:// URL, not ${url.protocol}//`);
  }
  return url;
}

/** A whole number of at least 1, for `--repeat` and `--concurrency`. */
export function parsePositiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw usageError(`${flag} must be a whole number of at least 1, got "${value}"`);
  return number;
}

/** `--metadata key=value`, repeatable; the value may itself contain `=`. */
export function parseMetadata(pairs: readonly string[] | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const separator = pair.indexOf('=');
    if (separator < 1) throw usageError(`--metadata "${pair}" must look like key=value, e.g. --metadata orderId=ord_123`);
    metadata[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return metadata;
}

/**
 * The Stripe API key from `--api-key`, else STRIPE_API_KEY. The commands that read the account
 * only read: a restricted key (rk_...) with read permissions is the one to use.
 */
export function resolveApiKey(flag: string | undefined, env: NodeJS.ProcessEnv, permissions: string): string {
  const key = flag ?? env.STRIPE_API_KEY;
  const source = flag === undefined ? 'STRIPE_API_KEY' : '--api-key';
  if (key === undefined || key === '') throw usageError(`missing the API key: pass --api-key rk_... (a restricted key with ${permissions}) or set STRIPE_API_KEY`);
  if (key.trim() !== key) throw usageError(`${source} has leading or trailing whitespace: remove it`);
  if (key.startsWith('whsec_')) throw usageError(`${source} is a webhook signing secret; this command reads the account with an API key: a restricted key (rk_...) with ${permissions}`);
  if (key.startsWith('pk_')) throw usageError(`${source} is a publishable key, which cannot read events; use a restricted key (rk_...) with ${permissions}`);
  if (!/^(sk|rk)_/.test(key)) throw usageError(`${source} must be a secret key (sk_...) or a restricted key (rk_...) with ${permissions}`);
  return key;
}

/**
 * `--api-base`, else STRIPE_API_BASE: another host for the Stripe API (a proxy, a test stand-in),
 * as the host, port and protocol stripe-node takes. Paths stay Stripe's own (/v1/...).
 */
export function parseApiBase(value: string | undefined): { host: string; port: number; protocol: 'http' | 'https' } | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`--api-base "${value}" is not a URL; write e.g. http://localhost:12111`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--api-base "${value}" must be an http:// or https:// URL`);
  if (url.pathname !== '/' || url.search !== '') throw usageError(`--api-base "${value}" must be a host without a path: requests keep Stripe's paths (/v1/...)`);
  // The API key travels in every request: in clear text only to this machine (a local stand-in).
  if (url.protocol === 'http:' && !isLoopbackHost(url.host)) {
    throw usageError(`--api-base "${value}" would send your API key unencrypted: use https://, or http:// only to this machine (localhost, 127.0.0.1, [::1])`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
}
