import { lang } from './i18n';

/** An RFC 9457 problem as the API sends it (`code` is stable, `detail` in the asked language). */
export interface Problem {
  readonly type?: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  /** Each bad field: where (`body.phone`) and what (a stable code: `invalid_format`, `too_small`). */
  readonly errors?: ReadonlyArray<{ readonly path: string; readonly issue: string }>;
  /** A wrong code: how many tries this code has left. */
  readonly attemptsLeft?: number;
  readonly policyVersion?: string;
  readonly purpose?: string;
  readonly retryAfter?: number;
  readonly [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(`${problem.code}: ${problem.title}`);
    this.problem = problem;
  }
}

/**
 * The access token lives only in memory. The refresh token never reaches this code: the local
 * runtime's `/web/auth/*` routes keep it in an httpOnly, SameSite=Strict cookie (see
 * bin/local/web-session.ts), so script on the page cannot read or send it elsewhere.
 */
let accessToken: string | undefined;
let onReconsent: ((version: string) => Promise<boolean>) | undefined;
let onSignedOut: (() => void) | undefined;

export const signedIn = () => accessToken !== undefined;
export function setAccessToken(token: string | undefined): void {
  accessToken = token;
}
/** What to do when a material policy change answers 428: ask, record, and say whether to retry. */
export function handleReconsent(handler: (version: string) => Promise<boolean>): void {
  onReconsent = handler;
}
export function handleSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

interface Options {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send the access token (default) and refresh it once on a 401. */
  readonly auth?: boolean;
}

async function send(method: string, path: string, options: Options): Promise<Response> {
  const headers: Record<string, string> = { 'accept-language': lang(), ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.auth !== false && accessToken) headers.authorization = `Bearer ${accessToken}`;
  // The web-session routes refuse requests without this header: a cross-site form cannot set it.
  if (path.startsWith('/web/')) headers['x-po-web'] = '1';
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

async function problemOf(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body = (await response.json()) as Partial<Problem>;
    if (typeof body.code === 'string') return body as Problem;
  }
  return { title: response.statusText || 'Error', status: response.status, code: `http_${response.status}` };
}

/** Trades the cookie's refresh token for a new access token; false when the session is over. */
export async function refreshSession(): Promise<boolean> {
  const response = await send('POST', '/web/auth/token/refresh', { auth: false });
  if (!response.ok) {
    accessToken = undefined;
    return false;
  }
  accessToken = ((await response.json()) as { accessToken: string }).accessToken;
  return true;
}

export async function api<T>(method: string, path: string, options: Options = {}): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 401 && options.auth !== false && accessToken) {
    if (await refreshSession()) response = await send(method, path, options);
    else onSignedOut?.();
  }
  if (response.status === 428) {
    const problem = await problemOf(response);
    if (problem.code === 'policy_reconsent_required' && onReconsent && problem.policyVersion) {
      if (await onReconsent(problem.policyVersion)) return api<T>(method, path, options);
    }
    throw new ApiError(problem);
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export const get = <T>(path: string, options?: Options) => api<T>('GET', path, options);
export const post = <T>(path: string, body?: unknown, options: Options = {}) =>
  api<T>('POST', path, { ...options, body });

/** Logs in through a web-session route: the refresh token goes to the cookie, the access token here. */
export async function logIn<T extends { accessToken?: string }>(path: string, body: unknown): Promise<T> {
  const result = await post<T>(path, body, { auth: false });
  if (result.accessToken) accessToken = result.accessToken;
  return result;
}

/** Ends the session here and at the API (when it is still live) and clears the cookie. */
export async function logOut(): Promise<void> {
  const token = accessToken;
  accessToken = undefined;
  await send('POST', '/web/auth/logout', {
    auth: false,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  }).catch(() => undefined);
}

/** Every item of a paged list (`{ <key>: [...], next }`), following its cursors. */
export async function getAll<T>(path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Record<string, unknown> = await get<Record<string, unknown>>(url);
    items.push(...((page[key] as T[] | undefined) ?? []));
    cursor = typeof page.next === 'string' ? page.next : null;
  } while (cursor);
  return items;
}
