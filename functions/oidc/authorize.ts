import { type OidcScope, oidcScopes } from '../core/config';
import { AppError } from '../core/errors';
import { newId } from '../kernel/ids';
import { rateScopes } from '../store/keys';
import { requestedLevel } from './assurance-levels';
import { registeredClient } from './clients';
import type { AuthorizationRequest, OidcDeps } from './ports';

/** The authorization endpoint's parameters as they arrive: every one optional, checked below. */
export interface AuthorizeQuery {
  readonly client_id?: string | undefined;
  readonly redirect_uri?: string | undefined;
  readonly response_type?: string | undefined;
  readonly response_mode?: string | undefined;
  readonly scope?: string | undefined;
  readonly state?: string | undefined;
  readonly nonce?: string | undefined;
  readonly code_challenge?: string | undefined;
  readonly code_challenge_method?: string | undefined;
  readonly acr_values?: string | undefined;
  readonly max_age?: string | undefined;
  readonly prompt?: string | undefined;
  readonly request?: string | undefined;
  readonly request_uri?: string | undefined;
}

/** Where the browser goes next: the consent page, or back to the app with an error. */
export interface Redirect {
  readonly location: string;
}

/** RFC 6749 4.1.2 / RFC 9207: the answer to the app, on its redirect URI, naming us as issuer. */
export function backToApp(
  deps: Pick<OidcDeps, 'issuer'>,
  redirectUri: string,
  params: Record<string, string | undefined>,
): Redirect {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...params, iss: deps.issuer })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return { location: url.href };
}

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The authorization endpoint (OpenID Connect Core 3.1.2):
 * 1. the client must be registered and enabled, and `redirect_uri` one of its own, compared as
 *    whole strings; otherwise the browser is told here (400) and sent nowhere (RFC 6749 4.1.2.1);
 * 2. from here on errors go back to the app: `response_type` must be `code` (query mode),
 *    `scope` must hold `openid` and only the client's scopes, PKCE with S256 is required, request
 *    objects are not supported, `prompt=none` answers `login_required` (the person's session lives
 *    in the web client, which the redirect cannot see);
 * 3. the request is stored for ten minutes and the browser goes to the consent page, which signs
 *    the person in (or uses their session) and asks the API to decide (decide.ts).
 */
export async function startAuthorization(
  deps: OidcDeps,
  query: AuthorizeQuery,
  caller: { ipPrefix: string },
): Promise<Redirect> {
  const client = registeredClient(deps.config, query.client_id);
  if (!client || !query.redirect_uri || !client.redirectUris.includes(query.redirect_uri)) {
    throw new AppError('oidc_client_unknown');
  }
  const back = (error: string, description: string) =>
    backToApp(deps, query.redirect_uri as string, {
      error,
      error_description: description,
      state: query.state,
    });
  if (query.request !== undefined) return back('request_not_supported', 'request objects are not supported');
  if (query.request_uri !== undefined)
    return back('request_uri_not_supported', 'request_uri is not supported');
  if (query.response_type !== 'code') return back('unsupported_response_type', 'only code is supported');
  if (query.response_mode !== undefined && query.response_mode !== 'query')
    return back('invalid_request', 'only the query response mode is supported');
  const scopes = [...new Set((query.scope ?? '').split(' ').filter(Boolean))];
  if (!scopes.includes('openid')) return back('invalid_scope', 'openid is required');
  if (
    scopes.some(
      (s) => !(oidcScopes as readonly string[]).includes(s) || !client.scopes.includes(s as OidcScope),
    )
  )
    return back('invalid_scope', 'a scope is not registered for this client');
  if (query.code_challenge_method !== 'S256' || !PKCE_CHALLENGE.test(query.code_challenge ?? ''))
    return back('invalid_request', 'PKCE with code_challenge_method S256 is required');
  const prompts = (query.prompt ?? '').split(' ').filter(Boolean);
  if (prompts.includes('none')) return back('login_required', 'sign in at the provider');
  if (prompts.some((p) => !['login', 'consent', 'select_account'].includes(p)))
    return back('invalid_request', 'unknown prompt value');
  let maxAge: number | undefined;
  if (query.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(query.max_age))
      return back('invalid_request', 'max_age must be a whole number of seconds');
    maxAge = Number(query.max_age);
  }
  const now = deps.clock.now().getTime();
  for (const window of deps.config.authorizePerIp) {
    const hit = await deps.limiter.hit(
      { scope: rateScopes.oidcAuthorizeIp, key: caller.ipPrefix, ...window },
      now,
    );
    if (!hit.allowed) throw new AppError('rate_limited', { retryAfter: hit.retryAfter });
  }
  const request: AuthorizationRequest = {
    requestId: newId(deps.random),
    clientId: client.clientId,
    redirectUri: query.redirect_uri,
    scopes: scopes as OidcScope[],
    state: query.state,
    nonce: query.nonce,
    codeChallenge: query.code_challenge as string,
    requiredLevel: requestedLevel(query.acr_values),
    maxAge,
    prompt: prompts.filter((p): p is 'login' | 'consent' => p === 'login' || p === 'consent'),
    createdAt: now,
    expiresAt: now + deps.config.requestTtlSeconds * 1000,
  };
  await deps.store.putRequest(request);
  const page = new URL(deps.consentPage);
  page.searchParams.set('request', request.requestId);
  return { location: page.href };
}
