import { describe, expect, it } from 'vitest';
import { lastMessage } from '../../bin/local/outbox';
import { identityFixtures } from '../../bin/local/standins/identity';
import { checkCharacter } from '../../functions/kernel/person/id-number';
import { runtimePerFile } from '../helpers/local-runtime';

const withCheck = (first17: string) => first17 + checkCharacter(first17);

const local = runtimePerFile('auth');

async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(`${local.runtime.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

/** The local SMS sender's outbox: what `npm start` users read their codes from. */
function lastCode(phone: string): string {
  const entry = lastMessage(local.dataDir, phone);
  expect(entry.text).toContain(`@127.0.0.1 #${entry.code}`);
  return entry.code;
}

describe('SMS login over HTTP', () => {
  it('registers, reads the account, refreshes, logs out', async () => {
    const sent = await call('/v1/auth/sms/send', { body: { phone: '139 1234 5678', purpose: 'login' } });
    expect(sent.status).toBe(202);
    const code = lastCode('+8613912345678');

    const noPolicy = await call('/v1/auth/sms/verify', {
      body: { challengeId: sent.body.challengeId, phone: '13912345678', code },
    });
    expect(noPolicy.status).toBe(428);
    expect(noPolicy.type).toContain('application/problem+json');
    expect(noPolicy.body).toMatchObject({ code: 'policy_acceptance_required', policyVersion: '2026-11-01' });

    const login = await call('/v1/auth/sms/verify', {
      body: {
        challengeId: sent.body.challengeId,
        phone: '13912345678',
        code,
        acceptPolicyVersion: noPolicy.body.policyVersion,
      },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ isNew: true, phoneMasked: '139****5678' });

    const me = await call('/v1/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: login.body.user.id,
      phoneMasked: '139****5678',
      realNameVerified: false,
      policy: {
        current: '2026-11-01',
        accepted: '2026-11-01',
        reconsentRequired: false,
        newerVersionAvailable: false,
      },
    });

    const sessions = await call('/v1/me/sessions', { token: login.body.accessToken });
    expect(sessions.body.sessions).toHaveLength(1);

    const refreshed = await call('/v1/auth/token/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);

    expect(
      (await call('/v1/auth/logout', { method: 'POST', token: refreshed.body.accessToken })).status,
    ).toBe(204);
    const after = await call('/v1/me', { token: refreshed.body.accessToken });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthorized');
  });

  it('answers protected routes without a token with a 401 problem', async () => {
    const response = await call('/v1/me/sessions');
    expect(response.status).toBe(401);
    expect(response.type).toContain('application/problem+json');
  });

  it('validates input at the edge', async () => {
    const bad = await call('/v1/auth/sms/send', { body: { phone: '139', purpose: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.phone',
      'body.purpose',
    ]);
    const notMobile = await call('/v1/auth/sms/send', {
      body: { phone: '+852 9123 4567', purpose: 'login' },
    });
    expect(notMobile.body.code).toBe('phone_invalid');
  });

  it('publishes the verification keys', async () => {
    const jwks = await call('/.well-known/jwks.json');
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });
});

describe('real-name verification over HTTP', () => {
  it('verifies the signed-in account against the FaceID stand-in', async () => {
    const sent = await call('/v1/auth/sms/send', { body: { phone: '13800138000', purpose: 'login' } });
    const login = await call('/v1/auth/sms/verify', {
      body: {
        challengeId: sent.body.challengeId,
        phone: '13800138000',
        code: lastCode('+8613800138000'),
        acceptPolicyVersion: '2026-11-01',
      },
    });
    const token = login.body.accessToken;
    const noConsent = await call('/v1/me/identity/verify', {
      token,
      body: { name: '张三', idType: 'resident', idNumber: '11010519491231002X' },
    });
    expect(noConsent.status).toBe(403);
    expect(noConsent.body).toMatchObject({ code: 'consent_required', purpose: 'sensitive_identity' });
    const policy = await call('/v1/policies/current');
    expect(policy.body).toMatchObject({
      version: '2026-11-01',
      separatePurposes: expect.arrayContaining(['sensitive_identity', 'medical_card']),
    });
    const given = await call('/v1/me/consents', {
      token,
      body: { purpose: 'sensitive_identity', policyVersion: policy.body.version, accepted: true },
    });
    expect(given.status).toBe(201);
    const mismatch = await call('/v1/me/identity/verify', {
      token,
      body: { name: '张四', idType: 'resident', idNumber: '11010519491231002X' },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('identity_mismatch');
    const invalid = await call('/v1/me/identity/verify', {
      token,
      body: { name: '张三', idType: 'resident', idNumber: '11010119900307867X' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'identity_invalid', reason: 'id_check_character' });
    const verified = await call('/v1/me/identity/verify', {
      token,
      body: { name: '张三', idType: 'resident', idNumber: '11010519491231002x' },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: 'verified',
      nameMasked: '*三',
      idNumberMasked: '1101**********002X',
    });
    expect((await call('/v1/me', { token })).body.realNameVerified).toBe(true);
    const unauthenticated = await call('/v1/me/identity/verify', {
      body: { name: '张三', idType: 'resident', idNumber: '11010519491231002X' },
    });
    expect(unauthenticated.status).toBe(401);
  });
});

describe.each([
  ['wechat', '13700001111'],
  ['qq', '13700002222'],
  ['weibo', '13700003333'],
] as const)('third-party login over HTTP with %s', (provider, phone) => {
  it('logs in through the stand-in, binds a phone, then logs straight in', async () => {
    const redirectUri = `${local.runtime.url}/oauth/callback`;
    const nonce = 'e2e-nonce-0123456789';
    const start = async () => {
      const started = await call(
        `/v1/auth/oauth/${provider}/authorize?${new URLSearchParams({ redirectUri, nonce })}`,
      );
      expect(started.status).toBe(200);
      const page = await (await fetch(started.body.authorizeUrl)).text();
      const href = /id="approve" href="([^"]+)"/.exec(page)?.[1] as string;
      const approved = await fetch(new URL(href.replaceAll('&amp;', '&'), started.body.authorizeUrl), {
        redirect: 'manual',
      });
      const location = new URL(approved.headers.get('location') as string);
      expect(location.origin + location.pathname).toBe(redirectUri);
      return { code: location.searchParams.get('code'), state: location.searchParams.get('state'), nonce };
    };

    const first = await call(`/v1/auth/oauth/${provider}/callback`, { body: await start() });
    expect(first.body).toEqual({ next: 'bind_phone', bindToken: expect.any(String) });
    const noToken = await call('/v1/auth/sms/send', { body: { phone, purpose: 'bind' } });
    expect(noToken.body.code).toBe('bind_token_invalid');
    const sent = await call('/v1/auth/sms/send', {
      body: { phone, purpose: 'bind', bindToken: first.body.bindToken },
    });
    expect(sent.status).toBe(202);
    const bound = await call('/v1/auth/oauth/bind-phone', {
      body: {
        bindToken: first.body.bindToken,
        challengeId: sent.body.challengeId,
        phone,
        code: lastCode(`+86${phone}`),
        acceptPolicyVersion: '2026-11-01',
      },
    });
    expect(bound.status).toBe(200);
    expect(bound.body.user.isNew).toBe(true);

    const again = await call(`/v1/auth/oauth/${provider}/callback`, { body: await start() });
    expect(again.body.user.id).toBe(bound.body.user.id);
    const identities = await call('/v1/me/identities', { token: again.body.accessToken });
    expect(identities.body.identities).toEqual([
      { provider, linkedAt: expect.any(String), nickname: '测试用户' },
    ]);

    const replay = await call(`/v1/auth/oauth/${provider}/callback`, {
      body: { code: 'X', state: 'AAAAAAAAAAAAAAAAAAAAAA', nonce },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('oauth_state_invalid');
  });

  it('refuses a redirect URI outside the local origin', async () => {
    const response = await call(
      `/v1/auth/oauth/qq/authorize?${new URLSearchParams({ redirectUri: 'https://evil.example/cb', nonce: 'e2e-nonce-0123456789' })}`,
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('redirect_uri_not_allowed');
  });
});

describe('medical cards over HTTP', () => {
  it('adds self, spouse and child cards, reads, changes and unbinds them; a HIS outage ends active', async () => {
    const sent = await call('/v1/auth/sms/send', { body: { phone: '13600009999', purpose: 'login' } });
    const login = await call('/v1/auth/sms/verify', {
      body: {
        challengeId: sent.body.challengeId,
        phone: '13600009999',
        code: lastCode('+8613600009999'),
        acceptPolicyVersion: '2026-11-01',
      },
    });
    const token = login.body.accessToken;
    for (const purpose of ['sensitive_identity', 'medical_card']) {
      expect(
        (
          await call('/v1/me/consents', {
            token,
            body: { purpose, policyVersion: '2026-11-01', accepted: true },
          })
        ).status,
      ).toBe(201);
    }
    const hospitals = await call('/v1/hospitals', { token });
    expect(hospitals.body.hospitals.map((h: { id: string }) => h.id)).toEqual([
      'h-pumch',
      'h-renji',
      'h-ruijin',
    ]);

    const post = (body: Record<string, unknown>, key: string) =>
      fetch(`${local.runtime.url}/v1/me/cards`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { code?: string; card: { id: string; status: string; minor?: boolean } },
      }));
    const base = { hospitalId: 'h-pumch', idType: '01', phone: '13600009999', insuranceType: '01' };

    const wang = identityFixtures.find((p) => p.name === '王五') as { name: string; idNumber: string };
    const unverified = await post({ ...base, relationship: '01', ...wang }, 'e2e-card-0');
    expect(unverified.body.code).toBe('real_name_required');
    const verified = await call('/v1/me/identity/verify', { token, body: { ...wang, idType: 'resident' } });
    expect(verified.status).toBe(200);

    const self = await post({ ...base, relationship: '01', ...wang }, 'e2e-card-1');
    expect(self.status).toBe(201);
    expect(self.body.card.status).toBe('active');
    const spouse = await post(
      {
        ...base,
        hospitalId: 'h-renji',
        relationship: '10',
        name: '赵敏',
        idNumber: withCheck('31010419860101222'),
      },
      'e2e-card-2',
    );
    expect(spouse.status).toBe(201);
    const noConsent = await post(
      { ...base, relationship: '30', name: '王小妹', idNumber: withCheck('31010420200101224') },
      'e2e-card-3',
    );
    expect(noConsent.status).toBe(428);
    const child = await post(
      {
        ...base,
        relationship: '30',
        name: '王小妹',
        idNumber: withCheck('31010420200101224'),
        guardianConsent: { accepted: true, policyVersion: '2026-11-01' },
      },
      'e2e-card-4',
    );
    expect(child.body.card).toMatchObject({ status: 'active', minor: true });

    const list = await call('/v1/me/cards', { token });
    expect(list.body.cards).toHaveLength(3);
    const detail = await call(`/v1/me/cards/${child.body.card.id}`, { token });
    expect(detail.body.card).toMatchObject({ name: '王小妹', cardNo: expect.stringMatching(/^JZK/) });
    const patched = await call(`/v1/me/cards/${spouse.body.card.id}`, {
      token,
      method: 'PATCH',
      body: { insuranceType: 'self_pay' },
    });
    expect(patched.body.card.insuranceType.code).toBe('self_pay');

    local.runtime.his.mode = 'down';
    const pending = await post(
      { ...base, relationship: '52', name: '李秀英', idNumber: withCheck('31010419580101226') },
      'e2e-card-5',
    );
    expect(pending.status).toBe(202);
    expect(pending.body.card.status).toBe('pending');
    local.runtime.his.mode = 'ok';
    let status = 'pending';
    for (let i = 0; i < 40 && status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await call(`/v1/me/cards/${pending.body.card.id}`, { token })).body.card.status;
    }
    expect(status).toBe('active');

    expect((await call(`/v1/me/cards/${spouse.body.card.id}`, { token, method: 'DELETE' })).status).toBe(204);
    expect((await call('/v1/me/cards', { token })).body.cards).toHaveLength(3);
  }, 30_000);
});

describe('consents over HTTP', () => {
  it('records consents append-only, lists the history, and a withdrawal blocks the feature at once', async () => {
    const sent = await call('/v1/auth/sms/send', { body: { phone: '13600007777', purpose: 'login' } });
    const login = await call('/v1/auth/sms/verify', {
      body: {
        challengeId: sent.body.challengeId,
        phone: '13600007777',
        code: lastCode('+8613600007777'),
        acceptPolicyVersion: '2026-11-01',
      },
    });
    const token = login.body.accessToken;
    const give = (accepted: boolean) =>
      call('/v1/me/consents', {
        token,
        body: { purpose: 'sensitive_identity', policyVersion: '2026-11-01', accepted },
      });
    expect((await give(true)).status).toBe(201);
    expect((await give(false)).status).toBe(201);
    const blocked = await call('/v1/me/identity/verify', {
      token,
      body: { name: '张三', idType: 'resident', idNumber: '11010519491231002X' },
    });
    expect(blocked.body.code).toBe('consent_required');
    const stale = await call('/v1/me/consents', {
      token,
      body: { purpose: 'medical_card', policyVersion: '2020-01-01', accepted: true },
    });
    expect(stale.status).toBe(409);
    const history = await call('/v1/me/consents', { token });
    const purposes = history.body.consents.map(
      (c: { purpose: string; accepted: boolean }) => `${c.purpose}:${c.accepted}`,
    );
    expect(purposes).toEqual(['privacy_policy:true', 'sensitive_identity:true', 'sensitive_identity:false']);
    // Registration accepted the policy version and the purposes it covers, in the session it made.
    expect(history.body.consents[0]).toMatchObject({
      purpose: 'privacy_policy',
      policyVersion: '2026-11-01',
      covers: ['account', 'sms_login'],
    });
  });
});
