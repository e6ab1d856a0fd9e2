import {
  changePhoneBody,
  changePhoneResponse,
  jwksResponse,
  loginResponse,
  meResponse,
  refreshBody,
  sendSmsBody,
  sendSmsResponse,
  sessionParams,
  sessionsResponse,
  tokenResponse,
  verifySmsBody,
} from './auth/schema';
import type { RouteDefinition, Touches } from './core/route';
import { verifiedIdentityResponse, verifyIdentityBody } from './identity/schema';
import { healthResponse, openApiResponse } from './system/schema';

/** Login routes read and write the table, seal and open phones, use the app secret and sign tokens. */
const loginTouches: Touches = { table: 'readwrite', dataKey: 'both', appSecret: true, signingKey: 'sign' };
/** Routes that send codes also read the SMS and captcha provider credentials. */
const sendingTouches: Touches = { ...loginTouches, providers: true };

/**
 * THE route table. CDK makes one function per group and one API route per entry from it, the
 * local server serves it, and docs/openapi.json is generated from it. Handlers are named by module
 * path, not imported, so reading this table stays cheap (CDK synth, the OpenAPI build).
 */
export const routes = {
  getHealth: {
    method: 'GET',
    path: '/health',
    group: 'system',
    auth: 'none',
    summary: 'Liveness and dependencies: region, store reachability, key source, version',
    handler: 'system/get-health',
    response: { status: 200, body: healthResponse },
    touches: { table: 'read' },
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    group: 'system',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
    handler: 'system/get-openapi',
    response: { status: 200, body: openApiResponse },
    touches: {},
  },
  sendSms: {
    method: 'POST',
    path: '/v1/auth/sms/send',
    group: 'auth',
    auth: 'none',
    summary: 'Send a one-time code by SMS (same answer whether or not the number has an account)',
    handler: 'auth/handlers/post-sms-send',
    request: { body: sendSmsBody },
    response: { status: 202, body: sendSmsResponse },
    touches: sendingTouches,
  },
  verifySms: {
    method: 'POST',
    path: '/v1/auth/sms/verify',
    group: 'auth',
    auth: 'none',
    summary:
      'Log in with the code; the first verify of a new number registers it (policy acceptance required)',
    handler: 'auth/handlers/post-sms-verify',
    request: { body: verifySmsBody },
    response: { status: 200, body: loginResponse },
    touches: loginTouches,
  },
  refreshToken: {
    method: 'POST',
    path: '/v1/auth/token/refresh',
    group: 'auth',
    auth: 'none',
    summary: 'Rotate the refresh token and get a new access token (reuse revokes the session)',
    handler: 'auth/handlers/post-token-refresh',
    request: { body: refreshBody },
    response: { status: 200, body: tokenResponse },
    touches: loginTouches,
  },
  logout: {
    method: 'POST',
    path: '/v1/auth/logout',
    group: 'auth',
    auth: 'user',
    summary: 'Revoke this session',
    handler: 'auth/handlers/post-logout',
    response: { status: 204 },
    touches: loginTouches,
  },
  getJwks: {
    method: 'GET',
    path: '/.well-known/jwks.json',
    group: 'auth',
    auth: 'none',
    summary: 'Public keys that verify access tokens',
    handler: 'auth/handlers/get-jwks',
    response: { status: 200, body: jwksResponse },
    touches: loginTouches,
  },
  getMe: {
    method: 'GET',
    path: '/v1/me',
    group: 'account',
    auth: 'user',
    summary: 'The signed-in account',
    handler: 'auth/handlers/get-me',
    response: { status: 200, body: meResponse },
    touches: loginTouches,
  },
  listSessions: {
    method: 'GET',
    path: '/v1/me/sessions',
    group: 'account',
    auth: 'user',
    summary: 'Live sessions of this account',
    handler: 'auth/handlers/get-sessions',
    response: { status: 200, body: sessionsResponse },
    touches: loginTouches,
  },
  deleteSession: {
    method: 'DELETE',
    path: '/v1/me/sessions/{sessionId}',
    group: 'account',
    auth: 'user',
    summary: 'Revoke one session of this account',
    handler: 'auth/handlers/delete-session',
    request: { params: sessionParams },
    response: { status: 204 },
    touches: loginTouches,
  },
  changePhone: {
    method: 'POST',
    path: '/v1/me/phone',
    group: 'account',
    auth: 'user',
    summary: 'Move the account to a new number (step-up code sent to it); signs out every other session',
    handler: 'auth/handlers/post-me-phone',
    request: { body: changePhoneBody },
    response: { status: 200, body: changePhoneResponse },
    touches: loginTouches,
  },
  verifyIdentity: {
    method: 'POST',
    path: '/v1/me/identity/verify',
    group: 'identity',
    auth: 'user',
    summary: 'Real-name verification of this account: name and ID number checked by the provider',
    handler: 'identity/handlers/post-identity-verify',
    request: { body: verifyIdentityBody },
    response: { status: 200, body: verifiedIdentityResponse },
    touches: { table: 'readwrite', dataKey: 'both', appSecret: true, providers: true },
  },
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;

export const routeList: ReadonlyArray<RouteDefinition & { readonly id: RouteId }> = Object.entries(
  routes,
).map(([id, route]) => ({ ...route, id: id as RouteId }));

/**
 * Requests that match no route (unknown path, or a known path with another method) go to this
 * handler: API Gateway's `$default` route in AWS, the same module locally.
 */
export const fallbackRoute = { group: 'system', handler: 'system/fallback' } as const;

/**
 * The HTTP API Lambda authorizer for every `auth: 'user'` route: verifies the access token and
 * its session: read-only table access and the signing key's public half, nothing else.
 */
export const authorizerFunction = {
  group: 'authorizer',
  handler: 'auth/handlers/authorizer',
  touches: { table: 'read', signingKey: 'verify' } satisfies Touches,
} as const;
