import { createHash } from 'node:crypto';
import { decodeJwt, type JWTPayload } from 'jose';
import type { OidcClientConfig } from '../core/config';
import { AppError } from '../core/errors';
import { newId } from '../kernel/ids';
import { bearerToken, verifyToken } from '../kernel/tokens/verify-token';
import { acrOf } from './assurance-levels';
import { authenticateClient, type ClientCredentials } from './client-auth';
import { registeredClient, subjectFor } from './clients';
import { codeHash } from './decide';
import type { Grant, OidcDeps } from './ports';

const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** OpenID Connect Core 3.1.3.6: the left half of the access token's SHA-256, base64url. */
function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/** Whether a grant's tokens still stand: not revoked, consent not withdrawn since, session live. */
async function grantStands(deps: OidcDeps, grant: Grant, now: number): Promise<boolean> {
  if (grant.revokedAt !== undefined || grant.expiresAt <= now) return false;
  const [sharing, session] = await Promise.all([
    deps.consents.sharing(grant.userId, grant.clientId),
    deps.people.liveSession(grant.userId, grant.sessionId),
  ]);
  return sharing?.accepted === true && sharing.at <= grant.createdAt && session !== undefined;
}

/**
 * The token endpoint's authorization-code grant (OpenID Connect Core 3.1.3, RFC 7636):
 * 1. the client authenticates (client-auth.ts) and the grant type is `authorization_code`;
 * 2. the code must be ours, live, issued to this client for this `redirect_uri`, and the PKCE
 *    verifier must hash to its challenge; a mismatch burns nothing (the code's owner may still
 *    redeem it);
 * 3. a code redeemed before is a replay: its grant is revoked (RFC 6749 4.1.2), so tokens got
 *    from a stolen code stop too;
 * 4. the person's session must still be live;
 * 5. an access token (RFC 9068 `at+jwt`, audience the client) and an ID token, both signed by a
 *    key in the JWKS under its `kid`, with the pairwise subject, `acr`, `amr`, `auth_time`,
 *    `nonce` and `sid` (the grant).
 */
export async function exchangeCode(
  deps: OidcDeps,
  input: ClientCredentials & {
    grantType: string;
    code?: string | undefined;
    redirectUri?: string | undefined;
    codeVerifier?: string | undefined;
    ipPrefix: string;
  },
) {
  const client = await authenticateClient(deps, input, input.ipPrefix);
  if (input.grantType !== 'authorization_code') throw new AppError('unsupported_grant_type');
  if (!input.code || !input.redirectUri || !input.codeVerifier || !PKCE_VERIFIER.test(input.codeVerifier))
    throw new AppError('invalid_grant');
  const now = deps.clock.now().getTime();
  const hash = codeHash(input.code);
  const code = await deps.store.getCode(hash);
  if (!code || code.clientId !== client.clientId) throw new AppError('invalid_grant');
  if (code.usedAt !== undefined) {
    await revoke(deps, code.grant.grantId, 'code_replayed');
    throw new AppError('invalid_grant');
  }
  const challenge = createHash('sha256').update(input.codeVerifier, 'ascii').digest('base64url');
  if (code.expiresAt <= now || code.redirectUri !== input.redirectUri || challenge !== code.codeChallenge)
    throw new AppError('invalid_grant');
  if (!(await deps.people.liveSession(code.grant.userId, code.grant.sessionId)))
    throw new AppError('invalid_grant');
  const grant: Grant = {
    ...code.grant,
    createdAt: now,
    expiresAt: now + deps.config.accessTtlSeconds * 1000,
  };
  const redemption = await deps.store.redeemCode(hash, { ...code, grant }, now, {
    event: 'oidc.tokens_issued',
    userId: grant.userId,
    sessionId: grant.sessionId,
    detail: { clientId: client.clientId, grantId: grant.grantId, acr: acrOf(grant.level) },
    at: now,
  });
  if (redemption.kind === 'replayed') {
    await revoke(deps, code.grant.grantId, 'code_replayed');
    throw new AppError('invalid_grant');
  }
  const sub = subjectFor(deps.indexer, client, grant.userId);
  const iat = Math.floor(now / 1000);
  const authTime = Math.floor(grant.authTime / 1000);
  const scope = grant.scopes.join(' ');
  const accessToken = await deps.signer.sign(
    {
      iss: deps.issuer,
      sub,
      aud: client.clientId,
      client_id: client.clientId,
      scope,
      acr: acrOf(grant.level),
      auth_time: authTime,
      sid: grant.grantId,
      iat,
      nbf: iat,
      exp: iat + deps.config.accessTtlSeconds,
      jti: newId(deps.random),
    },
    { typ: 'at+jwt' },
  );
  const idToken = await deps.signer.sign({
    iss: deps.issuer,
    sub,
    aud: client.clientId,
    azp: client.clientId,
    acr: acrOf(grant.level),
    amr: [...grant.amr],
    auth_time: authTime,
    sid: grant.grantId,
    ...(code.nonce !== undefined ? { nonce: code.nonce } : {}),
    at_hash: accessTokenHash(accessToken),
    iat,
    exp: iat + deps.config.idTokenTtlSeconds,
  });
  return {
    access_token: accessToken,
    token_type: 'Bearer' as const,
    expires_in: deps.config.accessTtlSeconds,
    id_token: idToken,
    scope,
  };
}

async function revoke(deps: OidcDeps, grantId: string, reason: string): Promise<void> {
  const grant = await deps.store.getGrant(grantId);
  if (!grant) return;
  const now = deps.clock.now().getTime();
  await deps.store.revokeGrant(grantId, now, {
    event: 'oidc.grant_revoked',
    userId: grant.userId,
    detail: { clientId: grant.clientId, grantId, reason },
    at: now,
  });
}

/**
 * A token of ours addressed to a registered app, verified for that app; undefined for anything
 * else (not ours, another audience, expired, a wrong `typ`). The audience is read before the
 * signature only to know which app to check it for.
 */
async function tokenForApp(
  deps: OidcDeps,
  token: string,
  check: {
    readonly typ?: 'at+jwt';
    readonly requiredClaims: readonly string[];
    readonly at?: (claims: JWTPayload) => Date;
  },
): Promise<{ payload: JWTPayload; client: OidcClientConfig } | undefined> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    return undefined;
  }
  const client = typeof claims.aud === 'string' ? registeredClient(deps.config, claims.aud) : undefined;
  if (!client) return undefined;
  try {
    const payload = await verifyToken(token, {
      roots: await deps.signer.roots(),
      now: check.at ? check.at(claims) : deps.clock.now(),
      issuer: deps.issuer,
      audience: client.clientId,
      ...(check.typ ? { typ: check.typ } : {}),
      requiredClaims: check.requiredClaims,
    });
    return { payload, client };
  } catch {
    return undefined;
  }
}

/** An app's access token (RFC 9068), verified: its `client_id` is the audience. */
async function accessTokenClaims(deps: OidcDeps, token: string) {
  const verified = await tokenForApp(deps, token, {
    typ: 'at+jwt',
    requiredClaims: ['sub', 'sid', 'scope', 'exp', 'iat', 'jti'],
  });
  return verified?.payload.client_id === verified?.client.clientId ? verified : undefined;
}

/** The grant behind a verified access token, when it still stands. */
async function standingGrant(deps: OidcDeps, payload: JWTPayload, client: OidcClientConfig) {
  const grant = await deps.store.getGrant(String(payload.sid));
  if (!grant || grant.clientId !== client.clientId) return undefined;
  return (await grantStands(deps, grant, deps.clock.now().getTime())) ? grant : undefined;
}

const bearerChallenge = (error?: string) =>
  error ? `Bearer realm="oidc", error="${error}"` : 'Bearer realm="oidc"';

/**
 * UserInfo (OpenID Connect Core 5.3): the bearer access token must verify and its grant stand
 * (not revoked, consent not withdrawn, session live); the claims are those of the scopes granted,
 * read now. RFC 6750 errors: 401 `invalid_token` with its `WWW-Authenticate`.
 */
export async function userInfo(deps: OidcDeps, authorization: string | undefined) {
  const token = bearerToken(authorization);
  const refused = (error?: string) =>
    new AppError(error ? 'invalid_token' : 'unauthorized', {
      headers: { 'www-authenticate': bearerChallenge(error) },
    });
  if (!token) throw refused();
  const verified = await accessTokenClaims(deps, token);
  if (!verified) throw refused('invalid_token');
  const grant = await standingGrant(deps, verified.payload, verified.client);
  if (!grant) throw refused('invalid_token');
  const claims = await deps.people.claims(grant.userId, grant.scopes);
  return { sub: String(verified.payload.sub), ...claims };
}

/**
 * Token introspection (RFC 7662) for resource servers that need revocation at once: the caller
 * authenticates as a client and learns about its own tokens only; anything else, and a token
 * whose grant no longer stands, is `{ active: false }`.
 */
export async function introspect(
  deps: OidcDeps,
  input: ClientCredentials & { token: string; ipPrefix: string },
) {
  const caller = await authenticateClient(deps, input, input.ipPrefix, { confidentialOnly: true });
  const verified = await accessTokenClaims(deps, input.token);
  if (!verified || verified.client.clientId !== caller.clientId) return { active: false };
  const grant = await standingGrant(deps, verified.payload, verified.client);
  if (!grant) return { active: false };
  const { payload } = verified;
  return {
    active: true,
    scope: String(payload.scope),
    client_id: caller.clientId,
    sub: String(payload.sub),
    aud: caller.clientId,
    iss: deps.issuer,
    exp: Number(payload.exp),
    iat: Number(payload.iat),
    token_type: 'Bearer' as const,
    acr: acrOf(grant.level),
    auth_time: Math.floor(grant.authTime / 1000),
  };
}

/**
 * Token revocation (RFC 7009): the client authenticates; an access token of its own ends its
 * grant (userinfo and introspection refuse it at once). Anything else changes nothing, and the
 * answer is 200 either way (2.2), so the endpoint tells no one which tokens exist.
 */
export async function revokeToken(
  deps: OidcDeps,
  input: ClientCredentials & { token: string; ipPrefix: string },
): Promise<void> {
  const caller = await authenticateClient(deps, input, input.ipPrefix);
  const verified = await accessTokenClaims(deps, input.token);
  if (!verified || verified.client.clientId !== caller.clientId) return;
  await revoke(deps, String(verified.payload.sid), 'client_revoked');
}

/** The ID token an app hands back at logout: ours, for a registered client, expired or not. */
async function idTokenHint(deps: OidcDeps, token: string) {
  const verified = await tokenForApp(deps, token, {
    requiredClaims: ['sub', 'sid', 'iat', 'exp'],
    // Checked as of its own issue: an ID token's life is short, and a logout after it is normal.
    at: (claims) => new Date(typeof claims.iat === 'number' ? claims.iat * 1000 : 0),
  });
  return verified && { client: verified.client, grantId: String(verified.payload.sid) };
}

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): with a valid `id_token_hint` the
 * grant ends and so does the session the person signed in with (they are signed out here too);
 * the browser goes back to `post_logout_redirect_uri` when it is one the client registered
 * (exactly), with `state`, and to the web client otherwise. Without a hint nothing is ended: a
 * link on another site must not sign anyone out.
 */
export async function logout(
  deps: OidcDeps,
  query: { id_token_hint?: string; post_logout_redirect_uri?: string; state?: string; client_id?: string },
): Promise<{ location: string }> {
  const hint = query.id_token_hint ? await idTokenHint(deps, query.id_token_hint) : undefined;
  const client = hint?.client ?? registeredClient(deps.config, query.client_id);
  if (hint) {
    const grant = await deps.store.getGrant(hint.grantId);
    if (grant) {
      const now = deps.clock.now().getTime();
      await revoke(deps, grant.grantId, 'logout');
      await deps.people.endSession(grant.userId, grant.sessionId, {
        event: 'session.revoked',
        userId: grant.userId,
        sessionId: grant.sessionId,
        detail: { by: 'oidc_logout', clientId: grant.clientId },
        at: now,
      });
    }
  }
  const target = query.post_logout_redirect_uri;
  if (target && client && hint?.client === client && client.postLogoutRedirectUris.includes(target)) {
    const url = new URL(target);
    if (query.state !== undefined) url.searchParams.set('state', query.state);
    return { location: url.href };
  }
  return { location: deps.home };
}
