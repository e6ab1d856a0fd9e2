import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { identityFixtures } from '../../bin/local/standins/identity';
import { apiClient } from '../helpers/api-client';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * The hospital's own apps sign people in through us as an OpenID relying party nobody here wrote
 * would: `openid-client` discovers the provider, runs the code flow with PKCE, reads UserInfo,
 * introspects and revokes; `jose` verifies every token from the JWKS alone. The test plays the
 * person's browser and the web client's consent page over the API.
 */
const local = runtimePerFile('oidc');
const { call, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);
const POLICY = '2026-11-01';
const APP = {
  id: 'pumch-ih',
  secret: 'local-pumch-ih-secret',
  redirect: 'https://ih.pumch.example.cn/oidc/callback',
};
const PUBLIC_APP = { id: 'pumch-reports', redirect: 'https://reports.pumch.example.cn/callback' };
const TWO_ELEMENT = 'urn:patient-onboarding:acr:two-element';
const REAL_PERSON = 'urn:patient-onboarding:acr:real-person';

const insecure = { execute: [oidc.allowInsecureRequests] };
const PYJWT = `
import sys, jwt
key = jwt.PyJWKClient(sys.argv[1]).get_signing_key_from_jwt(sys.argv[2])
claims = jwt.decode(sys.argv[2], key.key, algorithms=["ES256"], audience=sys.argv[3], issuer=sys.argv[4])
print(claims["sub"], claims["acr"])
`;

async function discover(
  auth: 'basic' | 'post' | 'none' = 'basic',
  app: { id: string; secret?: string } = APP,
) {
  const method =
    auth === 'basic'
      ? oidc.ClientSecretBasic(app.secret as string)
      : auth === 'post'
        ? oidc.ClientSecretPost(app.secret as string)
        : oidc.None();
  return oidc.discovery(new URL(local.runtime.url), app.id, undefined, method, insecure);
}

/** The browser at the authorization endpoint: where it is sent (no redirect followed). */
async function visit(url: URL | string): Promise<{ status: number; location: URL }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: new URL(response.headers.get('location') ?? 'about:blank') };
}

/** An app asks; the browser lands on the consent page: the request's id. */
async function startFlow(
  config: oidc.Configuration,
  extra: Record<string, string> = {},
  redirect = APP.redirect,
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect,
    scope: 'openid profile phone',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const landed = await visit(url);
  expect(landed.status).toBe(303);
  expect(landed.location.origin + landed.location.pathname).toBe(`${local.runtime.url}/oidc/consent`);
  return { verifier, state, nonce, requestId: landed.location.searchParams.get('request') as string };
}

async function verifyRealName(
  token: string,
  person = identityFixtures[0] as { name: string; idNumber: string },
) {
  const consent = await call('/v1/me/consents', {
    token,
    body: { purpose: 'sensitive_identity', policyVersion: POLICY, accepted: true },
  });
  expect(consent.status).toBe(201);
  const verified = await call('/v1/me/identity/verify', {
    token,
    body: { name: person.name, idType: 'resident', idNumber: person.idNumber },
  });
  expect(verified.status, verified.text).toBe(200);
}

const approve = (token: string, requestId: string) =>
  call(`/v1/oidc/requests/${requestId}/decision`, { token, body: { decision: 'approve' } });

/** The whole flow for a signed-in person who approves: the app's tokens, checked by openid-client. */
async function signedInApp(config: oidc.Configuration, accessToken: string) {
  const flow = await startFlow(config);
  const approved = await approve(accessToken, flow.requestId);
  return oidc.authorizationCodeGrant(config, new URL(approved.body.redirectTo), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
}

describe('an app signs a person in with OpenID Connect (openid-client), tokens checked by jose from the JWKS alone', () => {
  it('runs the code flow at acr two-element: ID token, access token, UserInfo, introspection, revocation', async () => {
    const config = await discover('basic');
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(local.runtime.url);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.acr_values_supported).toContain(TWO_ELEMENT);

    const flow = await startFlow(config, { acr_values: TWO_ELEMENT });
    const person = await login('13900007001');
    // Not yet verified: the consent page says what the app asks for and what to do.
    const seen = await call(`/v1/oidc/requests/${flow.requestId}`, { token: person.accessToken });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      client: { id: APP.id },
      assurance: { required: TWO_ELEMENT, met: false, next: 'real_name' },
      alreadyShared: false,
    });
    const early = await approve(person.accessToken, flow.requestId);
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({
      code: 'assurance_required',
      acr: TWO_ELEMENT,
      reason: 'real_name_required',
    });

    await verifyRealName(person.accessToken);
    const approved = await approve(person.accessToken, flow.requestId);
    expect(approved.status, approved.text).toBe(200);
    const callback = new URL(approved.body.redirectTo);
    expect(callback.origin + callback.pathname).toBe(APP.redirect);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: local.runtime.url,
      aud: APP.id,
      acr: TWO_ELEMENT,
      nonce: flow.nonce,
    });
    expect(claims?.sub).not.toBe(person.user.id);
    expect(typeof claims?.auth_time).toBe('number');

    // A resource server that knows only the JWKS.
    const jwks = createRemoteJWKSet(new URL(meta.jwks_uri as string));
    const id = await jwtVerify(tokens.id_token as string, jwks, {
      issuer: local.runtime.url,
      audience: APP.id,
      algorithms: ['ES256'],
    });
    expect(id.payload.acr).toBe(TWO_ELEMENT);
    const access = await jwtVerify(tokens.access_token, jwks, {
      issuer: local.runtime.url,
      audience: APP.id,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(access.payload).toMatchObject({
      sub: claims?.sub,
      client_id: APP.id,
      scope: 'openid profile phone',
    });
    expect(decodeProtectedHeader(tokens.access_token).kid).toBe(
      decodeProtectedHeader(tokens.id_token as string).kid,
    );
    // And PyJWT's PyJWKClient (Debian's python3-jwt), the other verifier nobody here wrote.
    const py = await promisify(execFile)(
      '/usr/bin/python3',
      ['-c', PYJWT, meta.jwks_uri as string, tokens.id_token as string, APP.id, local.runtime.url],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(py.stdout.trim()).toBe(`${claims?.sub} ${TWO_ELEMENT}`);

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
    expect(info).toMatchObject({
      sub: claims?.sub,
      name: identityFixtures[0]?.name,
      phone_number: '+8613900007001',
      phone_number_verified: true,
    });
    expect(JSON.stringify(info)).not.toContain(identityFixtures[0]?.idNumber);

    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({
      active: true,
      client_id: APP.id,
      acr: TWO_ELEMENT,
    });
    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await expect(oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string)).rejects.toThrow();

    // The second sign-in needs no new consent: the page can go straight on.
    const again = await startFlow(config);
    const second = await call(`/v1/oidc/requests/${again.requestId}`, { token: person.accessToken });
    expect(second.body.alreadyShared).toBe(true);
  });

  it('gives each app its own subject, and a public app signs in with PKCE alone (client_secret_post too)', async () => {
    const person = await login('13900007002');
    const subjects: string[] = [];
    for (const [config, app] of [
      [await discover('post'), APP],
      [await discover('none', { id: PUBLIC_APP.id }), PUBLIC_APP],
    ] as const) {
      const flow = await startFlow(config, { scope: 'openid profile' }, app.redirect);
      const approved = await approve(person.accessToken, flow.requestId);
      expect(approved.status, approved.text).toBe(200);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(approved.body.redirectTo), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      });
      expect(tokens.claims()?.acr).toBe('urn:patient-onboarding:acr:phone');
      subjects.push(tokens.claims()?.sub as string);
    }
    expect(subjects[0]).not.toBe(subjects[1]);
  });

  it('asks for the face check before the code when the app wants a real person', async () => {
    const config = await discover();
    const person = await login('13900007003');
    await verifyRealName(person.accessToken, identityFixtures[1]);
    const flow = await startFlow(config, { acr_values: REAL_PERSON });
    const refused = await approve(person.accessToken, flow.requestId);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'assurance_required',
      acr: REAL_PERSON,
      reason: 'real_person_required',
    });
  });

  it('answers max_age and prompt=login with a fresh sign-in, and a denial with access_denied', async () => {
    const config = await discover();
    const earlier = await login('13900007004');
    const flow = await startFlow(config, { prompt: 'login' });
    // This session began before the request: sign in again.
    expect((await approve(earlier.accessToken, flow.requestId)).body.code).toBe('reauthentication_required');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const aged = await startFlow(config, { max_age: '1' });
    const seen = await call(`/v1/oidc/requests/${aged.requestId}`, { token: earlier.accessToken });
    expect(seen.body.reauthenticate).toBe(true);
    expect((await approve(earlier.accessToken, aged.requestId)).body.code).toBe('reauthentication_required');
    // A sign-in after both requests (a second number: the same one would wait out the resend gate).
    const fresh = await login('13900007014');
    expect((await approve(fresh.accessToken, flow.requestId)).status).toBe(200);
    const agedAnswer = await approve(fresh.accessToken, aged.requestId);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(agedAnswer.body.redirectTo), {
      pkceCodeVerifier: aged.verifier,
      expectedState: aged.state,
      expectedNonce: aged.nonce,
      maxAge: 1,
    });
    expect(tokens.claims()?.auth_time).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 2);

    const denied = await startFlow(config);
    const answer = await call(`/v1/oidc/requests/${denied.requestId}/decision`, {
      token: fresh.accessToken,
      body: { decision: 'deny' },
    });
    const back = new URL(answer.body.redirectTo);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      error: 'access_denied',
      state: denied.state,
      iss: local.runtime.url,
    });
    // Used up either way.
    expect((await approve(fresh.accessToken, denied.requestId)).status).toBe(404);
  });

  it('ends the grant and the session at RP-initiated logout, and nothing without an ID token', async () => {
    const config = await discover();
    const person = await login('13900007005');
    const tokens = await signedInApp(config, person.accessToken);
    // A link on another site, with no ID token: nothing ends.
    await visit(
      `${local.runtime.url}/oidc/logout?post_logout_redirect_uri=${encodeURIComponent('https://ih.pumch.example.cn/')}`,
    );
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    expect((await call('/v1/me', { token: person.accessToken })).status).toBe(200);

    const out = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: 'https://ih.pumch.example.cn/',
      state: 'bye',
    });
    const landed = await visit(out);
    expect(landed.status).toBe(303);
    expect(landed.location.href).toBe('https://ih.pumch.example.cn/?state=bye');
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect((await call('/v1/me', { token: person.accessToken })).status).toBe(401);
  });

  it('stops an app at once when the person withdraws sharing with it', async () => {
    const config = await discover();
    const person = await login('13900007006');
    const tokens = await signedInApp(config, person.accessToken);
    const apps = await call('/v1/me/connected-apps', { token: person.accessToken });
    expect(apps.body.apps).toEqual([
      expect.objectContaining({
        client: expect.objectContaining({ id: APP.id }),
        scopes: ['openid', 'profile', 'phone'],
      }),
    ]);
    const consents = await call('/v1/me/consents', { token: person.accessToken });
    expect(consents.body.consents).toContainEqual(
      expect.objectContaining({ purpose: 'app_sharing', recipient: APP.id, accepted: true }),
    );
    expect(
      (await call(`/v1/me/connected-apps/${APP.id}`, { method: 'DELETE', token: person.accessToken })).status,
    ).toBe(204);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    const info = await call('/oidc/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(401);
    expect(info.body).toMatchObject({ error: 'invalid_token' });
    expect(info.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await call('/v1/me/connected-apps', { token: person.accessToken })).body.apps).toEqual([]);
  });
});

describe('the provider, attacked', () => {
  it('sends nowhere a redirect URI the app did not register, and refuses a flow without PKCE', async () => {
    const config = await discover();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'https://attacker.example/steal',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(((await answer.json()) as { code: string }).code).toBe('oidc_client_unknown');
    // A prefix of a registered URI is not that URI.
    const prefixed = await visit(
      oidc.buildAuthorizationUrl(config, { redirect_uri: `${APP.redirect}/../evil`, scope: 'openid' }),
    );
    expect(prefixed.status).toBe(400);

    const plain = await visit(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: APP.redirect,
        scope: 'openid',
        state: 's1',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'plain',
      }),
    );
    expect(plain.location.origin + plain.location.pathname).toBe(APP.redirect);
    expect(plain.location.searchParams.get('error')).toBe('invalid_request');
    expect(plain.location.searchParams.get('state')).toBe('s1');
  });

  it('does not give tokens for a captured code without its verifier, to another app, or twice', async () => {
    const config = await discover();
    const person = await login('13900007101');
    const flow = await startFlow(config);
    const approved = await approve(person.accessToken, flow.requestId);
    const callback = new URL(approved.body.redirectTo);
    const code = callback.searchParams.get('code') as string;
    const exchange = (
      form: Record<string, string>,
      authorization = `Basic ${Buffer.from(`${APP.id}:${APP.secret}`).toString('base64')}`,
    ) =>
      call('/oidc/token', {
        rawBody: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: APP.redirect,
          ...form,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      });
    // The code without the verifier (an attacker who read the redirect): refused, and not burned.
    const guessed = await exchange({ code_verifier: oidc.randomPKCECodeVerifier() });
    expect(guessed.status).toBe(400);
    expect(guessed.body).toMatchObject({ error: 'invalid_grant' });
    // Another registered app with the captured code and even the verifier.
    const other = await exchange({ code_verifier: flow.verifier, client_id: PUBLIC_APP.id }, '');
    expect(other.body.error).toBe('invalid_grant');
    // The real app still can.
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    // Replayed: refused, and what the code gave is revoked.
    const replay = await exchange({ code_verifier: flow.verifier });
    expect(replay.body.error).toBe('invalid_grant');
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('answers a grant type it does not offer as RFC 6749 says, beside the typed problem', async () => {
    const answer = await call('/oidc/token', {
      rawBody: new URLSearchParams({ grant_type: 'password', username: 'a', password: 'b' }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${APP.id}:${APP.secret}`).toString('base64')}`,
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/json');
    expect(answer.body).toMatchObject({
      error: 'unsupported_grant_type',
      code: 'invalid_request',
      errors: [{ path: 'body.grant_type', issue: 'invalid_value' }],
    });
  });

  it('keeps app tokens and person tokens apart, and each app to its own tokens', async () => {
    const config = await discover();
    const person = await login('13900007102');
    const tokens = await signedInApp(config, person.accessToken);
    // An app's token is not a key to the person's account here ...
    expect((await call('/v1/me', { token: tokens.access_token })).status).toBe(401);
    expect((await call('/v1/me', { token: tokens.id_token as string })).status).toBe(401);
    // ... nor the person's token, or an ID token, one for UserInfo.
    for (const token of [person.accessToken, tokens.id_token as string]) {
      const info = await call('/oidc/userinfo', { headers: { authorization: `Bearer ${token}` } });
      expect(info.status).toBe(401);
    }
    // Another app cannot learn about this app's token, nor revoke it.
    const other = await call('/oidc/introspect', {
      rawBody: new URLSearchParams({ token: tokens.access_token, client_id: PUBLIC_APP.id }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(other.status).toBe(401);
    expect(other.body.error).toBe('invalid_client');
    const revokeByOther = await call('/oidc/revoke', {
      rawBody: new URLSearchParams({ token: tokens.access_token, client_id: PUBLIC_APP.id }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(revokeByOther.status).toBe(200);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
  });

  it('refuses wrong secrets from one network without locking the app out', async () => {
    const form = new URLSearchParams({ token: 'x.y.z' }).toString();
    const introspect = (secret: string, from: string) =>
      call('/oidc/introspect', {
        from,
        rawBody: form,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${APP.id}:${secret}`).toString('base64')}`,
        },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await introspect(`wrong-${i}`, '127.0.9.9')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    // The app itself, from that same network: still served.
    const right = await introspect(APP.secret, '127.0.9.9');
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ active: false });
  });
});
