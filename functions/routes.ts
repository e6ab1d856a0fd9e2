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
import {
  cardDetailResponse,
  cardParams,
  cardResponse,
  cardsResponse,
  createCardBody,
  hospitalsResponse,
  updateCardBody,
} from './cards/schema';
import type { RouteDefinition, Touches } from './core/route';
import {
  fhirPatientParams,
  fhirResourceResponse,
  fhirSearchQuery,
  hospitalPatientResponse,
  tokenResponse as hospitalTokenResponse,
  patientParams,
  tokenForm,
} from './hospital/schema';
import { verifiedIdentityResponse, verifyIdentityBody } from './identity/schema';
import {
  appBody,
  authorizeQuery,
  authorizeResponse,
  bindPhoneBody,
  callbackBody,
  identitiesResponse,
  linkBody,
  linkedResponse,
  oauthOutcomeResponse,
  providerParams,
} from './oauth/schema';
import {
  consentBody,
  consentResponse,
  consentsResponse,
  deletionBody,
  exportResponse,
  myRequestBody,
  policyResponse,
  privacyRequestBody,
  requestParams,
  rightsRequestResponse,
  rightsRequestsResponse,
} from './privacy/schema';
import { healthResponse, openApiResponse } from './system/schema';

/** Login routes read and write the table, seal and open phones, use the app secret and sign tokens. */
const loginTouches: Touches = { table: 'readwrite', dataKey: 'both', appSecret: true, signingKey: 'sign' };
/** Third-party login also reads the OAuth app secrets (provider credentials). */
const oauthTouches: Touches = { ...loginTouches, providers: true };
/** Cards seal and open patient data, use blind indexes, call the HIS (its secret) and queue retries. */
const cardTouches: Touches = {
  table: 'readwrite',
  dataKey: 'both',
  appSecret: true,
  providers: true,
  queue: true,
  events: true,
};
/** Hospital routes read cards (opening them), use blind indexes, sign hospital tokens, count token requests. */
const hospitalTouches: Touches = {
  table: 'readwrite',
  dataKey: 'decrypt',
  appSecret: true,
  signingKey: 'sign',
};
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
    allowsStalePolicy: true,
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
  oauthAuthorize: {
    method: 'GET',
    path: '/v1/auth/oauth/{provider}/authorize',
    group: 'oauth',
    auth: 'none',
    summary: 'Start a WeChat, QQ or Weibo web login: the page to send the browser to and a one-time state',
    handler: 'oauth/handlers/get-authorize',
    request: { params: providerParams, query: authorizeQuery },
    response: { status: 200, body: authorizeResponse },
    touches: oauthTouches,
  },
  oauthCallback: {
    method: 'POST',
    path: '/v1/auth/oauth/{provider}/callback',
    group: 'oauth',
    auth: 'none',
    summary: 'Finish a web login with the code and state: tokens, or a bind token for a new person',
    handler: 'oauth/handlers/post-callback',
    request: { params: providerParams, body: callbackBody },
    response: { status: 200, body: oauthOutcomeResponse },
    touches: oauthTouches,
  },
  oauthApp: {
    method: 'POST',
    path: '/v1/auth/oauth/{provider}/app',
    group: 'oauth',
    auth: 'none',
    summary: "Log in with a code from the provider's native SDK, exchanged with the app's own id",
    handler: 'oauth/handlers/post-app',
    request: { params: providerParams, body: appBody },
    response: { status: 200, body: oauthOutcomeResponse },
    touches: oauthTouches,
  },
  oauthBindPhone: {
    method: 'POST',
    path: '/v1/auth/oauth/bind-phone',
    group: 'oauth',
    auth: 'none',
    summary: 'Bind a phone (bind code) to a new third-party identity: links to its account or registers',
    handler: 'oauth/handlers/post-bind-phone',
    request: { body: bindPhoneBody },
    response: { status: 200, body: oauthOutcomeResponse },
    touches: oauthTouches,
  },
  listIdentities: {
    method: 'GET',
    path: '/v1/me/identities',
    group: 'oauth',
    auth: 'user',
    summary: 'Third-party logins linked to this account',
    handler: 'oauth/handlers/get-identities',
    response: { status: 200, body: identitiesResponse },
    touches: oauthTouches,
  },
  linkIdentity: {
    method: 'POST',
    path: '/v1/me/identities/{provider}',
    group: 'oauth',
    auth: 'user',
    summary:
      "Link a provider from settings (provider code and state, and a step-up code to the account's phone)",
    handler: 'oauth/handlers/post-identity-link',
    request: { params: providerParams, body: linkBody },
    response: { status: 201, body: linkedResponse },
    touches: oauthTouches,
  },
  unlinkIdentity: {
    method: 'DELETE',
    path: '/v1/me/identities/{provider}',
    group: 'oauth',
    auth: 'user',
    summary: 'Unlink a provider (SMS login always remains)',
    handler: 'oauth/handlers/delete-identity',
    request: { params: providerParams },
    response: { status: 204 },
    touches: oauthTouches,
  },
  listHospitals: {
    method: 'GET',
    path: '/v1/hospitals',
    group: 'cards',
    auth: 'user',
    summary: 'Hospitals that issue medical cards here, with their card limits',
    handler: 'cards/handlers/get-hospitals',
    response: { status: 200, body: hospitalsResponse },
    touches: {},
  },
  createCard: {
    method: 'POST',
    path: '/v1/me/cards',
    group: 'cards',
    auth: 'user',
    summary:
      'Add a medical card for the holder or a relative (Idempotency-Key header); 202 while the HIS registers it',
    handler: 'cards/handlers/post-card',
    request: { body: createCardBody },
    response: { status: 201, body: cardResponse },
    touches: cardTouches,
  },
  listCards: {
    method: 'GET',
    path: '/v1/me/cards',
    group: 'cards',
    auth: 'user',
    summary: 'The account’s medical cards, masked',
    handler: 'cards/handlers/get-cards',
    response: { status: 200, body: cardsResponse },
    touches: cardTouches,
  },
  getCard: {
    method: 'GET',
    path: '/v1/me/cards/{cardId}',
    group: 'cards',
    auth: 'user',
    summary: 'One card in full, for its owner (audited)',
    handler: 'cards/handlers/get-card',
    request: { params: cardParams },
    response: { status: 200, body: cardDetailResponse },
    touches: cardTouches,
  },
  updateCard: {
    method: 'PATCH',
    path: '/v1/me/cards/{cardId}',
    group: 'cards',
    auth: 'user',
    summary: 'Change a card’s phone or insurance type (the HIS is told first)',
    handler: 'cards/handlers/patch-card',
    request: { params: cardParams, body: updateCardBody },
    response: { status: 200, body: cardResponse },
    touches: cardTouches,
  },
  unbindCard: {
    method: 'DELETE',
    path: '/v1/me/cards/{cardId}',
    group: 'cards',
    auth: 'user',
    summary: 'Unbind a card (the HIS is told)',
    handler: 'cards/handlers/delete-card',
    request: { params: cardParams },
    response: { status: 204 },
    touches: cardTouches,
  },
  hospitalToken: {
    method: 'POST',
    path: '/v1/hospital/oauth/token',
    group: 'hospital',
    auth: 'none',
    summary: 'OAuth 2.0 client credentials (client_secret_basic) for hospital systems: a 5-minute token',
    handler: 'hospital/handlers/post-token',
    request: { body: tokenForm, bodyFormat: 'form' },
    response: { status: 200, body: hospitalTokenResponse },
    touches: hospitalTouches,
  },
  hospitalPatient: {
    method: 'GET',
    path: '/v1/hospital/patients/{hisPatientId}',
    group: 'hospital',
    auth: 'hospital',
    scope: 'patients:read',
    summary: "One of the calling hospital's patients, as JSON (audited)",
    handler: 'hospital/handlers/get-patient',
    request: { params: patientParams },
    response: { status: 200, body: hospitalPatientResponse },
    touches: hospitalTouches,
  },
  fhirPatientSearch: {
    method: 'GET',
    path: '/fhir/r4/Patient',
    group: 'hospital',
    auth: 'hospital',
    scope: 'patients:read',
    summary: 'FHIR R4 search by resident ID: a Bundle with Patient, RelatedPerson and Coverage (audited)',
    handler: 'hospital/handlers/get-fhir-search',
    request: { query: fhirSearchQuery },
    response: { status: 200, body: fhirResourceResponse },
    touches: hospitalTouches,
  },
  fhirPatient: {
    method: 'GET',
    path: '/fhir/r4/Patient/{id}',
    group: 'hospital',
    auth: 'hospital',
    scope: 'patients:read',
    summary: 'FHIR R4 Patient by the hospital’s own patient id (audited)',
    handler: 'hospital/handlers/get-fhir-patient',
    request: { params: fhirPatientParams },
    response: { status: 200, body: fhirResourceResponse },
    touches: hospitalTouches,
  },
  currentPolicy: {
    method: 'GET',
    path: '/v1/policies/current',
    group: 'privacy',
    auth: 'none',
    summary: 'The current privacy-policy version and the purposes that need separate consent',
    handler: 'privacy/handlers/get-policy',
    response: { status: 200, body: policyResponse },
    touches: {},
  },
  recordConsent: {
    method: 'POST',
    path: '/v1/me/consents',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'Give or withdraw (accepted: false) consent to a purpose under the current policy; effective at once',
    handler: 'privacy/handlers/post-consent',
    request: { body: consentBody },
    response: { status: 201, body: consentResponse },
    touches: { table: 'readwrite' },
  },
  exportMyData: {
    method: 'GET',
    path: '/v1/me/export',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary: 'Everything held about me, unmasked, with the audit trail of who read it (audited)',
    handler: 'privacy/handlers/get-export',
    response: { status: 200, body: exportResponse },
    touches: { table: 'readwrite', dataKey: 'decrypt' },
  },
  listConsents: {
    method: 'GET',
    path: '/v1/me/consents',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary: 'The account’s consent history (append-only)',
    handler: 'privacy/handlers/get-consents',
    response: { status: 200, body: consentsResponse },
    touches: { table: 'read' },
  },
  requestDeletion: {
    method: 'POST',
    path: '/v1/me/deletion',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'Close the account and delete its data (step-up code): signs out everywhere at once, each HIS unbinds, done within minutes',
    handler: 'privacy/handlers/post-deletion',
    request: { body: deletionBody },
    response: { status: 202, body: rightsRequestResponse },
    touches: loginTouches,
  },
  listMyRequests: {
    method: 'GET',
    path: '/v1/me/requests',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary: 'My rights requests, their status and due dates',
    handler: 'privacy/handlers/get-my-requests',
    response: { status: 200, body: rightsRequestsResponse },
    touches: { table: 'read', dataKey: 'decrypt' },
  },
  submitMyRequest: {
    method: 'POST',
    path: '/v1/me/requests',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'A request our staff answer (an objection to a processing, anything else), due in 15 working days',
    handler: 'privacy/handlers/post-my-request',
    request: { body: myRequestBody },
    response: { status: 202, body: rightsRequestResponse },
    touches: { table: 'readwrite', dataKey: 'both', appSecret: true },
  },
  submitPrivacyRequest: {
    method: 'POST',
    path: '/v1/privacy/requests',
    group: 'privacy',
    auth: 'none',
    summary:
      'A rights request a person handles (a deceased user’s relative, a lost account): contact proven by SMS code, due in 15 working days',
    handler: 'privacy/handlers/post-privacy-request',
    request: { body: privacyRequestBody },
    response: { status: 202, body: rightsRequestResponse },
    touches: loginTouches,
  },
  privacyRequestStatus: {
    method: 'GET',
    path: '/v1/privacy/requests/{requestId}',
    group: 'privacy',
    auth: 'none',
    summary:
      'Status of a rights request by its id (no personal data): how a closed account follows its deletion',
    handler: 'privacy/handlers/get-privacy-request',
    request: { params: requestParams },
    response: { status: 200, body: rightsRequestResponse },
    touches: { table: 'read', dataKey: 'decrypt' },
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
export const registrationWorker = {
  group: 'registration',
  handler: 'cards/handlers/registration-worker',
  touches: {
    table: 'readwrite',
    dataKey: 'both',
    appSecret: true,
    providers: true,
    queue: true,
    events: true,
  } satisfies Touches,
} as const;

/** Delivers card events to hospital webhooks; writes dead letters to the table. */
export const webhookWorker = {
  group: 'webhooks',
  handler: 'cards/handlers/webhook-worker',
  touches: { table: 'readwrite', providers: true } satisfies Touches,
} as const;

/**
 * Scheduled privacy jobs: account deletions (each minute: release cards at the HIS, erase items)
 * and retention (hourly: strip expired access data, delete dead sessions, report overdue requests).
 */
export const privacyJobs = {
  group: 'privacy-jobs',
  handler: 'privacy/handlers/privacy-jobs',
  touches: {
    table: 'readwrite',
    dataKey: 'both',
    appSecret: true,
    providers: true,
    events: true,
  } satisfies Touches,
} as const;

export const authorizerFunction = {
  group: 'authorizer',
  handler: 'auth/handlers/authorizer',
  touches: { table: 'read', signingKey: 'verify' } satisfies Touches,
} as const;
