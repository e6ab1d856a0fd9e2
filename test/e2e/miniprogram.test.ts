import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client';
import { captureOutput } from '../helpers/capture-logs';
import { localDynamo, rawTableText } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * Mini-program login over HTTP against the local runtime: WeChat (jscode2session, the phone
 * button, the shared stable_token) and Alipay (the RSA2 gateway, the signed and encrypted phone
 * payload), through stand-ins that check what the platforms check.
 */
const local = runtimePerFile('mini', {
  jobs: { deletionsMs: 0, retentionMs: 0 },
});
let output = '';
const numbers: string[] = [];

const {
  call,
  lastCode,
  login: smsLogin,
} = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);
const policyVersion = '2026-11-01';
let next = 13600000000;
const newNumber = () => {
  const n = String(++next);
  numbers.push(n);
  return n;
};
const wechatUser = () => ({
  openid: `o${randomBytes(12).toString('hex')}`,
  unionid: `u${randomBytes(12).toString('hex')}`,
});

const wechatLogin = (code: string, appId = local.runtime.wechatMiniProgram.appId) =>
  call('/v1/auth/miniprogram/wechat/login', { body: { appId, code } });
const wechatPhone = (bindToken: string, phoneCode: string, accept = true) =>
  call('/v1/auth/miniprogram/wechat/phone', {
    body: { bindToken, phoneCode, ...(accept ? { acceptPolicyVersion: policyVersion } : {}) },
  });

/** A new person through the WeChat mini-program: login, then the phone button; their tokens. */
async function wechatNewPerson(user = wechatUser(), phone = newNumber()) {
  const first = await wechatLogin(local.runtime.wechatMiniProgram.loginCode(user));
  expect(first.status, first.text).toBe(200);
  expect(first.body.next).toBe('bind_phone');
  const bound = await wechatPhone(first.body.bindToken, local.runtime.wechatMiniProgram.phoneCode(phone));
  expect(bound.status, bound.text).toBe(200);
  return { user, phone, body: bound.body };
}

describe('WeChat mini-program login over HTTP', () => {
  it('fetches the platform access token once for many parallel first logins', async () => {
    const run = await captureOutput(async () => {
      expect(local.runtime.wechatMiniProgram.stableTokenCalls).toBe(0);
      const people = await Promise.all(Array.from({ length: 12 }, () => wechatNewPerson()));
      for (const p of people) expect(p.body.user.isNew).toBe(true);
      expect(local.runtime.wechatMiniProgram.stableTokenCalls).toBe(1);
    });
    output += run.output;
  });

  it('registers a new person with the one-tap number, logs them straight in later, and meets them again by SMS', async () => {
    const run = await captureOutput(async () => {
      const user = wechatUser();
      const phone = newNumber();
      const first = await wechatLogin(local.runtime.wechatMiniProgram.loginCode(user));
      // A new number needs the policy: 428, and the bind token survives (the phone code does not).
      const noPolicy = await wechatPhone(
        first.body.bindToken,
        local.runtime.wechatMiniProgram.phoneCode(phone),
        false,
      );
      expect(noPolicy.status).toBe(428);
      expect(noPolicy.body).toMatchObject({ code: 'policy_acceptance_required', policyVersion });
      const bound = await wechatPhone(first.body.bindToken, local.runtime.wechatMiniProgram.phoneCode(phone));
      expect(bound.status, bound.text).toBe(200);
      expect(bound.body.user).toMatchObject({
        isNew: true,
        phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      });
      const userId = bound.body.user.id as string;
      // The session says how it was proven: never `sms`, so step-up still asks for a code.
      const sessions = await call('/v1/me/sessions', { token: bound.body.accessToken });
      expect(sessions.body.sessions[0].amr).toEqual(['wechat', 'mp_phone']);
      // The bind token was used up.
      const again = await wechatPhone(first.body.bindToken, local.runtime.wechatMiniProgram.phoneCode(phone));
      expect(again.body.code).toBe('bind_token_invalid');

      const returning = await wechatLogin(local.runtime.wechatMiniProgram.loginCode(user));
      expect(returning.status).toBe(200);
      expect(returning.body.user).toMatchObject({ id: userId, isNew: false });
      expect(returning.body.accessToken).toBeDefined();

      const bySms = await smsLogin(phone);
      expect(bySms.user.id).toBe(userId);
      const linked = await call('/v1/me/identities', { token: bySms.accessToken });
      expect(linked.body.identities.map((l: { provider: string }) => l.provider)).toEqual(['wechat']);
    });
    output += run.output;
  });

  it('links the mini-program to an account the number already has only with an SMS code to it (bind-phone)', async () => {
    const phone = newNumber();
    const existing = await smsLogin(phone);
    const first = await wechatLogin(local.runtime.wechatMiniProgram.loginCode(wechatUser()));
    // The platform's word is not enough to join an existing account: its number proves itself.
    const asked = await wechatPhone(
      first.body.bindToken,
      local.runtime.wechatMiniProgram.phoneCode(phone),
      false,
    );
    expect(asked.status, asked.text).toBe(403);
    expect(asked.body.code).toBe('sms_proof_required');
    const sent = await call('/v1/auth/sms/send', {
      body: { phone, purpose: 'bind', bindToken: first.body.bindToken },
    });
    expect(sent.status).toBe(202);
    const bound = await call('/v1/auth/oauth/bind-phone', {
      body: {
        bindToken: first.body.bindToken,
        challengeId: sent.body.challengeId,
        phone,
        code: lastCode(phone),
      },
    });
    expect(bound.status, bound.text).toBe(200);
    expect(bound.body.user).toMatchObject({ id: existing.user.id, isNew: false });
  });

  it('refuses expired, reused and foreign phone codes, and numbers outside the mainland', async () => {
    const mp = local.runtime.wechatMiniProgram;
    const start = async () => (await wechatLogin(mp.loginCode(wechatUser()))).body.bindToken as string;
    const bindToken = await start();
    const phone = newNumber();

    const expired = await wechatPhone(bindToken, mp.phoneCode(phone, { issuedAt: Date.now() - 6 * 60_000 }));
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ code: 'phone_code_invalid', providerCode: '40029' });

    const foreign = await wechatPhone(bindToken, mp.phoneCode(phone, { appId: 'wx0000000000000000' }));
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('phone_app_mismatch');

    const hongKong = await wechatPhone(bindToken, mp.phoneCode('61234567', { countryCode: '852' }));
    expect(hongKong.body).toMatchObject({ code: 'phone_invalid', reason: 'not_mainland' });

    const code = mp.phoneCode(phone);
    expect((await wechatPhone(bindToken, code)).status).toBe(200);
    const reused = await wechatPhone(await start(), code);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('phone_code_invalid');
  });

  it("maps the platform's login errors to problem codes", async () => {
    const mp = local.runtime.wechatMiniProgram;
    const code = mp.loginCode(wechatUser());
    expect((await wechatLogin(code)).status).toBe(200);
    const used = await wechatLogin(code);
    expect(used.status).toBe(400);
    expect(used.body).toMatchObject({ code: 'oauth_code_used', providerCode: '40163' });
    expect((await wechatLogin('0'.repeat(32))).body).toMatchObject({
      code: 'oauth_code_invalid',
      providerCode: '40029',
    });
    expect((await wechatLogin(mp.loginCode(wechatUser()), 'wx0000000000000000')).body.code).toBe(
      'oauth_client_unsupported',
    );
    for (const [errcode, status, problem] of [
      [45011, 429, 'rate_limited'],
      [40226, 403, 'oauth_login_refused'],
      [-1, 503, 'oauth_unavailable'],
    ] as const) {
      mp.failLogins(errcode);
      try {
        const refused = await wechatLogin(mp.loginCode(wechatUser()));
        expect(refused.status, String(errcode)).toBe(status);
        expect(refused.type).toContain('application/problem+json');
        expect(refused.body).toMatchObject({ code: problem, providerCode: String(errcode) });
      } finally {
        mp.failLogins(undefined);
      }
    }
  });

  it('replaces a token WeChat stopped accepting once, with force_refresh, and carries on', async () => {
    const mp = local.runtime.wechatMiniProgram;
    const before = mp.stableTokenCalls;
    mp.revokeToken();
    const person = await wechatNewPerson();
    expect(person.body.user.isNew).toBe(true);
    expect(mp.stableTokenCalls - before).toBe(1);
    // The new token is shared: the next number needs no further fetch.
    await wechatNewPerson();
    expect(mp.stableTokenCalls - before).toBe(1);
  });
});

describe('Alipay mini-program login over HTTP', () => {
  const alipayLogin = (authCode: string) =>
    call('/v1/auth/miniprogram/alipay/login', {
      body: { appId: local.runtime.alipayMiniProgram.appId, authCode },
    });
  const alipayPhone = (bindToken: string, response: string, accept = true) =>
    call('/v1/auth/miniprogram/alipay/phone', {
      body: { bindToken, response, ...(accept ? { acceptPolicyVersion: policyVersion } : {}) },
    });
  const alipayUser = () => ({
    userId: `2088${String(Date.now()).slice(-8)}${randomBytes(2).toString('hex')}`,
    openId: `0${randomBytes(12).toString('hex')}`,
  });

  it('registers a new person from the signed, encrypted phone payload and logs them straight in later', async () => {
    const run = await captureOutput(async () => {
      const ali = local.runtime.alipayMiniProgram;
      const user = alipayUser();
      const phone = newNumber();
      const first = await alipayLogin(ali.authCode(user));
      expect(first.status, first.text).toBe(200);
      expect(first.body.next).toBe('bind_phone');
      const bound = await alipayPhone(first.body.bindToken, ali.phonePayload(phone));
      expect(bound.status, bound.text).toBe(200);
      expect(bound.body.user.isNew).toBe(true);
      const returning = await alipayLogin(ali.authCode(user));
      expect(returning.body.user).toMatchObject({ id: bound.body.user.id, isNew: false });
      expect((await smsLogin(phone)).user.id).toBe(bound.body.user.id);
    });
    output += run.output;
  });

  it('refuses a payload with a bad signature, a refused authorization, a used code, and a WeChat bind token', async () => {
    const ali = local.runtime.alipayMiniProgram;
    const bindToken = (await alipayLogin(ali.authCode(alipayUser()))).body.bindToken as string;
    const tampered = await alipayPhone(bindToken, ali.phonePayload(newNumber(), { tamper: true }));
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatchObject({ code: 'phone_payload_invalid', providerCode: 'signature' });
    expect((await alipayPhone(bindToken, '{"response":"x"}')).body.code).toBe('phone_payload_invalid');
    expect((await alipayPhone(bindToken, 'not json')).body.code).toBe('phone_payload_invalid');
    const refused = await alipayPhone(bindToken, ali.phonePayload(newNumber(), { code: '40003' }));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'phone_not_authorized',
      providerCode: 'isv.invalid-auth-relations',
    });

    const code = ali.authCode(alipayUser());
    expect((await alipayLogin(code)).status).toBe(200);
    expect((await alipayLogin(code)).body).toMatchObject({
      code: 'oauth_code_invalid',
      providerCode: 'isv.code-invalid',
    });

    const wechatBind = (await wechatLogin(local.runtime.wechatMiniProgram.loginCode(wechatUser()))).body
      .bindToken as string;
    expect((await alipayPhone(wechatBind, ali.phonePayload(newNumber()))).body.code).toBe(
      'bind_token_invalid',
    );
    expect(
      (await wechatPhone(bindToken, local.runtime.wechatMiniProgram.phoneCode(newNumber()))).body.code,
    ).toBe('bind_token_invalid');
  });
});

describe('what is kept', () => {
  it('keeps no session_key, platform access token or phone number in the logs or in plaintext in the table', async () => {
    const text = await rawTableText(localDynamo(), local.runtime.tableName);
    expect(text).toContain('PLATFORMTOKEN#wechat#');
    const secrets = [
      ...local.runtime.wechatMiniProgram.sessionKeys,
      ...local.runtime.wechatMiniProgram.issuedTokens,
      ...numbers,
    ];
    expect(secrets.length).toBeGreaterThan(20);
    // The local SMS sender prints each message, number included: it plays the person's phone.
    const logs = output
      .split('\n')
      .filter((line) => !line.startsWith('SMS to '))
      .join('\n');
    expect(logs).toContain('"level"');
    for (const secret of secrets) {
      expect(text, secret).not.toContain(secret);
      expect(logs, secret).not.toContain(secret);
    }
  });
});
