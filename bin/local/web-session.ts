import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { oauthProviderNames } from '../../functions/core/config';
import { AppError } from '../../functions/core/errors';
import { negotiateLang, type ProblemCode } from '../../functions/core/messages';
import { renderProblem } from '../../functions/core/problem';

/**
 * The reference web client's session, the way a real web deployment should hold it: a small
 * same-origin layer in front of the token routes that keeps the refresh token in an httpOnly,
 * SameSite=Strict cookie scoped to `/web/auth`, so page script never sees it (XSS cannot steal a
 * long-lived token) and other sites cannot send it (SameSite, plus a required `X-PO-Web` header).
 * The access token (15 minutes) stays in the page's memory. In AWS this is a route on the web
 * origin; locally, the runtime serves it.
 */
/** The one cookie the web client has (docs/privacy-policy-map.md names it, a test holds it). */
export const REFRESH_COOKIE = { name: 'po_refresh', path: '/web/auth', maxAgeDays: 30 } as const;
const COOKIE = REFRESH_COOKIE.name;
const PATH = REFRESH_COOKIE.path;
const THIRTY_DAYS = REFRESH_COOKIE.maxAgeDays * 24 * 3600;
// Every login that answers tokens: the SMS code, each OAuth provider's callback, the phone bind.
const FORWARDED = new RegExp(
  `^(sms/verify|oauth/(${oauthProviderNames.join('|')})/callback|oauth/bind-phone|token/refresh|logout)$`,
);

function cookie(value: string, maxAge: number): string {
  // Secure is left off only because the local runtime speaks plain HTTP on 127.0.0.1.
  return `${COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=${PATH}; Max-Age=${maxAge}`;
}

function readCookie(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

function problem(req: IncomingMessage, code: ProblemCode): APIGatewayProxyStructuredResultV2 {
  return renderProblem(new AppError(code), {
    requestId: 'web-session',
    lang: negotiateLang(req.headers['accept-language']),
  });
}

export async function webSession(
  req: IncomingMessage,
  path: string,
  body: Buffer,
  apiBase: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = path.slice(`${PATH}/`.length);
  if (!FORWARDED.test(route)) return problem(req, 'not_found');
  if (req.method !== 'POST') return problem(req, 'method_not_allowed');
  if (req.headers['x-po-web'] !== '1') return problem(req, 'web_session_header_required');

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const name of ['accept-language', 'user-agent', 'authorization'] as const) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  // The API counts limits on the person's address, not this layer's: it believes the header only
  // from a trusted hop (auth.trustedHops), and whatever the browser sent as one is replaced here.
  headers['x-forwarded-for'] = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  let forwardBody: string | undefined = body.length > 0 ? body.toString('utf8') : undefined;
  if (route === 'token/refresh') {
    const refreshToken = readCookie(req);
    if (!refreshToken) return problem(req, 'unauthorized');
    forwardBody = JSON.stringify({ refreshToken });
  }
  const upstream = await fetch(`${apiBase}/v1/auth/${route}`, {
    method: 'POST',
    headers,
    ...(forwardBody !== undefined ? { body: forwardBody } : {}),
  });
  const text = await upstream.text();
  const contentType = upstream.headers.get('content-type') ?? 'application/json';
  const cookies: string[] = [];
  let out = text;
  if (route === 'logout' || (route === 'token/refresh' && upstream.status === 401))
    cookies.push(cookie('', 0));
  if (upstream.ok && contentType.includes('json') && text) {
    const parsed = JSON.parse(text) as { refreshToken?: string };
    if (parsed.refreshToken) {
      cookies.push(cookie(parsed.refreshToken, THIRTY_DAYS));
      const { refreshToken: _kept, ...rest } = parsed;
      out = JSON.stringify(rest);
    }
  }
  return {
    statusCode: upstream.status,
    headers: { 'content-type': contentType, 'cache-control': 'no-store' },
    ...(cookies.length ? { cookies } : {}),
    ...(out ? { body: out } : {}),
  };
}
