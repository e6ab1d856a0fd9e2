import { createHash } from 'node:crypto';
import type { Identity } from '../core/authorizer-context';
import type { OidcClientConfig, OidcScope } from '../core/config';
import { AppError } from '../core/errors';
import { APP_SHARING, type ConsentEntry } from '../kernel/consent/consents';
import { newId } from '../kernel/ids';
import { acrOf, meets, stepUpFor } from './assurance-levels';
import { backToApp, type Redirect } from './authorize';
import { registeredClient, scopeClaims } from './clients';
import type { AuthorizationRequest, OidcDeps } from './ports';

/** A code is 256 random bits; only its hash is stored. */
export const codeHash = (code: string) => createHash('sha256').update(code).digest('base64url');

interface Pending {
  readonly request: AuthorizationRequest;
  readonly client: OidcClientConfig;
}

async function pending(deps: OidcDeps, requestId: string): Promise<Pending> {
  const request = await deps.store.getRequest(requestId, deps.clock.now().getTime());
  const client = request && registeredClient(deps.config, request.clientId);
  if (!request || !client) throw new AppError('oidc_request_not_found');
  return { request, client };
}

/** Whether the person's sign-in is recent enough for the request (`max_age`, `prompt=login`). */
function signInFresh(request: AuthorizationRequest, authTime: number, now: number): boolean {
  if (request.prompt.includes('login') && authTime < request.createdAt) return false;
  // In whole seconds, as `auth_time` is: `max_age=0` asks for a sign-in this very second.
  return (
    request.maxAge === undefined || Math.floor(now / 1000) - Math.floor(authTime / 1000) <= request.maxAge
  );
}

/** Whether the person already shares these scopes with the app (and was not asked to re-decide). */
async function alreadyShared(deps: OidcDeps, who: Identity, p: Pending): Promise<boolean> {
  if (p.request.prompt.includes('consent')) return false;
  const sharing = await deps.consents.sharing(who.userId, p.client.clientId);
  return sharing?.accepted === true && p.request.scopes.every((s) => sharing.covers?.includes(s));
}

/**
 * What the consent page shows: who asks (the app and the processor behind it), what each scope
 * gives it, the assurance it asks for against the one held, and whether the person must sign in
 * again or has shared this before. Nothing is written.
 */
export async function describeRequest(deps: OidcDeps, who: Identity, requestId: string) {
  const p = await pending(deps, requestId);
  const now = deps.clock.now().getTime();
  const [session, assurance, shared] = await Promise.all([
    deps.people.liveSession(who.userId, who.sessionId),
    deps.people.assurance(who.userId),
    alreadyShared(deps, who, p),
  ]);
  const required = p.request.requiredLevel;
  return {
    client: { id: p.client.clientId, name: p.client.name, processor: p.client.processor },
    scopes: p.request.scopes.map((scope) => ({ scope, claims: [...scopeClaims[scope]] })),
    assurance: {
      required: required === undefined ? null : acrOf(required),
      held: acrOf(assurance.level),
      met: meets(assurance.level, required),
      next: meets(assurance.level, required) ? null : stepUpFor(assurance.level),
    },
    reauthenticate: session === undefined || !signInFresh(p.request, session.authTime, now),
    alreadyShared: shared,
    expiresAt: new Date(p.request.expiresAt).toISOString(),
  };
}

/**
 * The person's decision on a request, from their own session:
 * - deny: the request ends and the app hears `access_denied`;
 * - approve: the sign-in must be fresh enough (`max_age`, `prompt=login`) or it is 403
 *   `reauthentication_required`; the assurance held must meet `acr_values` or it is 403
 *   `assurance_required` naming the level (the page steps the person up and comes back); sharing
 *   the scopes with this app is recorded as its own consent unless already given (PIPL art. 23);
 *   then a one-minute code is issued, the request used up, consent and audit in one transaction.
 */
export async function decide(
  deps: OidcDeps,
  who: Identity,
  requestId: string,
  decision: 'approve' | 'deny',
  client: { ipPrefix: string; userAgent: string },
): Promise<Redirect> {
  const p = await pending(deps, requestId);
  const { request } = p;
  if (decision === 'deny') {
    if (!(await deps.store.endRequest(request.requestId))) throw new AppError('oidc_request_not_found');
    await deps.audit.record({
      event: 'oidc.denied',
      userId: who.userId,
      sessionId: who.sessionId,
      detail: { clientId: request.clientId },
      at: deps.clock.now().getTime(),
    });
    return backToApp(deps, request.redirectUri, {
      error: 'access_denied',
      error_description: 'the person declined',
      state: request.state,
    });
  }
  const now = deps.clock.now().getTime();
  // Read at once: the session, the assurance held and whether the app has these scopes already.
  const [session, assurance, shared] = await Promise.all([
    deps.people.liveSession(who.userId, who.sessionId),
    deps.people.assurance(who.userId),
    alreadyShared(deps, who, p),
  ]);
  if (!session || !signInFresh(request, session.authTime, now))
    throw new AppError('reauthentication_required');
  if (!meets(assurance.level, request.requiredLevel)) {
    throw new AppError('assurance_required', {
      extensions: {
        acr: acrOf(request.requiredLevel ?? 'none'),
        reason: `${stepUpFor(assurance.level)}_required`,
      },
    });
  }
  const consent: ConsentEntry | undefined = shared
    ? undefined
    : {
        userId: who.userId,
        purpose: APP_SHARING,
        recipient: request.clientId,
        covers: [...request.scopes],
        policyVersion: deps.policyVersion,
        accepted: true,
        at: now,
        ipPrefix: client.ipPrefix,
        userAgent: client.userAgent.slice(0, 256),
        by: 'self',
      };
  const code = Buffer.from(deps.random.bytes(32)).toString('base64url');
  const grantId = newId(deps.random);
  const issued = await deps.store.issueCode(
    request.requestId,
    codeHash(code),
    {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      expiresAt: now + deps.config.codeTtlSeconds * 1000,
      grant: {
        grantId,
        userId: who.userId,
        clientId: request.clientId,
        sessionId: who.sessionId,
        scopes: request.scopes as OidcScope[],
        level: assurance.level,
        amr: session.amr,
        authTime: session.authTime,
        createdAt: now,
        expiresAt: now + deps.config.accessTtlSeconds * 1000,
      },
    },
    {
      ...(consent ? { consent } : {}),
      audit: {
        event: 'oidc.code_issued',
        userId: who.userId,
        sessionId: who.sessionId,
        detail: {
          clientId: request.clientId,
          scopes: request.scopes.join(' '),
          acr: acrOf(assurance.level),
          consentRecorded: consent !== undefined,
        },
        at: now,
      },
    },
  );
  if (!issued) throw new AppError('oidc_request_not_found');
  return backToApp(deps, request.redirectUri, { code, state: request.state });
}
