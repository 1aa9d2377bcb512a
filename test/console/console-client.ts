// A browser's part in the console's HTTP tests, over real HTTP: it keeps the CSRF cookie, reads the
// token from the last form, and sends POSTs with an Origin header (as browsers do).
import { request as httpRequest } from 'node:http';

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
  /** `data-code` of the error page, if it is one. */
  code: string | undefined;
}

export class ConsoleClient {
  cookie = '';
  csrf = '';

  /** `url`: the console's base URL, without a trailing slash. */
  constructor(readonly url: string) {}

  get origin(): string {
    return new URL(this.url).origin;
  }

  async get(path = '/'): Promise<Answer> {
    return this.remember(await fetch(this.url + path, { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: 'manual' }));
  }

  /** POSTs a form; `csrf` and `origin` default to what a browser on the console would send. */
  async post(path: string, fields: [string, string][], options: { csrf?: string | null; origin?: string | null; cookie?: string } = {}): Promise<Answer> {
    const body = new URLSearchParams(fields);
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf !== null) body.set('csrf', csrf);
    const origin = options.origin === undefined ? this.origin : options.origin;
    const cookie = options.cookie ?? this.cookie;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...(origin !== null ? { origin } : {}) };
    return this.remember(await fetch(this.url + path, { method: 'POST', headers, body, redirect: 'manual' }));
  }

  private async remember(response: Response): Promise<Answer> {
    const text = await response.text();
    const cookie = response.headers.getSetCookie()[0];
    if (cookie) this.cookie = cookie.split(';')[0] as string;
    const token = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, text, headers: response.headers, code: /data-code="([^"]+)"/.exec(text)?.[1] };
  }
}

/** The ids of the events listed on a list page, in order. */
export function listedIds(text: string): string[] {
  return [...text.matchAll(/name="id" value="([^"]+)" form="replay-selection"/g)].map((match) => match[1] as string);
}

/** What {@link rawRequest} got back, or the socket error that ended it first. */
export interface RawAnswer {
  status: number;
  text: string;
  code: string | undefined;
  /** The server closed the connection after this answer (`Connection: close`). */
  closes: boolean;
}

/**
 * One request through node:http, which (unlike fetch) sends any `Host` and streams `body` chunk by
 * chunk: `chunks` copies of `chunk`, as a client that uploads far more than it should.
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; chunk?: Buffer; chunks?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      answered = true;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (text += part));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text, code: /data-code="([^"]+)"/.exec(text)?.[1], closes: response.headers.connection === 'close' }),
      );
    });
    // Once the server has answered and closed, the rest of an upload fails to write: expected.
    request.on('error', (error) => (answered ? undefined : reject(error)));
    if (options.chunk === undefined) {
      request.end(options.body);
      return;
    }
    const { chunk } = options;
    let left = options.chunks ?? 1;
    const pump = () => {
      while (left > 0 && !request.destroyed) {
        left--;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      request.end();
    };
    pump();
  });
}
