// CSRF protection for the console's POSTs, without server-side sessions: a signed double-submit
// token. The handler makes an HMAC key when it is created; a browser gets a random nonce signed with
// it in a cookie, and every form carries the same token. A POST passes only when the form's token
// equals the cookie's and the signature holds, so another site can neither read nor forge it (and
// the Origin check in check-origin.ts refuses cross-site POSTs before the token is looked at).

const encoder = new TextEncoder();

/** The cookie that carries the token (scoped to the console's path). */
export const csrfCookie = 'swk_console_csrf';

export interface CsrfTokens {
  /** A new signed token. */
  issue(): Promise<string>;
  /** True when `token` was signed by this handler. */
  verify(token: string): Promise<boolean>;
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** A key made now: tokens die with the process, which only asks operators to reload the page. */
export function createCsrfTokens(): CsrfTokens {
  const key = globalThis.crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return {
    async issue() {
      const nonce = toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
      const signature = await globalThis.crypto.subtle.sign('HMAC', await key, encoder.encode(nonce));
      return `${nonce}.${toHex(signature)}`;
    },
    async verify(token) {
      const [nonce, signature, extra] = token.split('.');
      const bytes = fromHex(signature ?? '');
      if (nonce === undefined || !/^[0-9a-f]{32}$/.test(nonce) || bytes === undefined || extra !== undefined) return false;
      // subtle.verify compares in constant time.
      return globalThis.crypto.subtle.verify('HMAC', await key, bytes, encoder.encode(nonce));
    },
  };
}

/** The token of the request's cookie, if it has one. */
export function readCsrfCookie(request: Request): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === csrfCookie) return value.join('=');
  }
  return undefined;
}

/** Equal strings, compared in time independent of where they differ. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}
