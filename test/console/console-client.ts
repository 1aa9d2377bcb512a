// A browser's part in the console's HTTP tests, over real HTTP: it keeps the CSRF cookie, reads the
// token from the last form, and sends POSTs with an Origin header (as browsers do).
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
