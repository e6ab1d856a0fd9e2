import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StageConfig } from '../../functions/core/config';
import { overrideRuntime } from '../../functions/platform/runtime';
import { apiClient } from '../helpers/api-client';
import { useRuntime } from '../helpers/deps';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * What an adversarial test of the local runtime found, each tried again over HTTP as the attacker
 * would: a stolen access token, strangers' requests, malformed credentials and characters.
 */
const local = runtimePerFile('security', {
  jobs: { deletionsMs: 0, retentionMs: 0 },
});

afterEach(() => overrideRuntime(undefined));

const { call, sendCode, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);

/** Runs the API with another configuration (the runtime's environment, changed config). */
function withConfig(change: (local: StageConfig) => StageConfig) {
  useRuntime({ env: local.runtime.env, config: change });
}

const expectProblem = (response: { status: number; type: string | null; text: string }, status: number) => {
  expect(response.status).toBe(status);
  expect(response.type).toContain('application/problem+json');
  expect(response.text).not.toMatch(/\n\s+at |Error:/);
};

/** The token endpoint answers errors as RFC 6749 says: JSON with `error`, the problem's members beside it. */
const expectOAuthError = (
  response: { status: number; type: string | null; text: string },
  status: number,
) => {
  expect(response.status).toBe(status);
  expect(response.type).toContain('application/json');
  expect(response.text).not.toMatch(/\n\s+at |Error:/);
};

describe('a stolen access token', () => {
  it('cannot move the account to another number: the current number must prove itself too', async () => {
    const owner = await login('13600001001');
    const theirs = await sendCode('13600001002', 'step_up');
    // The old request shape (a code to the new number only) is refused outright...
    expectProblem(
      await call('/v1/me/phone', {
        token: owner.accessToken,
        body: { ...theirs, phone: '13600001002' },
      }),
      400,
    );
    // ...and a code that was not sent to the account's own number does not pass as one.
    const refused = await call('/v1/me/phone', {
      token: owner.accessToken,
      body: { currentPhone: theirs, newPhone: { ...theirs, phone: '13600001002' } },
    });
    expectProblem(refused, 400);
    expect(refused.body.code).toBe('otp_invalid');
    const me = await call('/v1/me', { token: owner.accessToken });
    expect(me.body.phoneMasked).toBe('136****1001');

    const current = await sendCode('13600001001', 'step_up');
    const next = await sendCode('13600001003', 'step_up');
    const moved = await call('/v1/me/phone', {
      token: owner.accessToken,
      body: { currentPhone: current, newPhone: { ...next, phone: '13600001003' } },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ phoneMasked: '136****1003', sessionsRevoked: 0 });
  });
});

describe("strangers' requests", () => {
  it('cannot lock a number by verifying made-up challenges', async () => {
    for (let i = 0; i < 12; i++) {
      const guess = await call('/v1/auth/sms/verify', {
        body: { challengeId: 'AAAAAAAAAAAAAAAAAAAAAA', phone: '13600002001', code: '123456' },
      });
      expect(guess.body.code).toBe('otp_invalid');
    }
    await expect(login('13600002001')).resolves.toMatchObject({ user: { isNew: true } });
  });

  it('are limited per IP prefix when they start OAuth logins (each stores a state)', async () => {
    withConfig((local) => ({ ...local, auth: { ...local.auth, exemptLoopback: false } }));
    const start = () =>
      call(
        `/v1/auth/oauth/weibo/authorize?redirectUri=${encodeURIComponent(`${local.runtime.url}/oauth/callback`)}&client=web&nonce=nonce-aaaaaaaaaaaaaaaa`,
      );
    for (let i = 0; i < 30; i++) expect((await start()).status).toBe(200);
    const limited = await start();
    expectProblem(limited, 429);
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('the hospital token endpoint', () => {
  const token = (authorization: string) =>
    call('/v1/hospital/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      rawBody: 'grant_type=client_credentials',
    });
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('answers malformed credentials with 401 invalid_client, never 500', async () => {
    for (const authorization of [
      basic('pumch-his:%zz'),
      basic('%E0%A4%A:local-pumch-his-secret'),
      basic('pumch-his:%'),
      basic('\u0000:\u0000'),
      'Basic ====',
      'Basic',
    ]) {
      const refused = await token(authorization);
      expectOAuthError(refused, 401);
      expect(refused.body).toMatchObject({ code: 'invalid_client', error: 'invalid_client' });
      expect(refused.headers.get('www-authenticate')).toBe('Basic realm="hospital-api"');
    }
  });

  it('refuses a network that keeps guessing a client secret, with 429 and no 5xx', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await token(basic(`renji-his:guess-${i}`))).status).toBe(401);
    }
    const limited = await token(basic('renji-his:guess-x'));
    expectOAuthError(limited, 429);
    expect(limited.body.error).toBe('temporarily_unavailable');
    // Another client from the same network is not affected.
    expect((await token(basic('pumch-his:local-pumch-his-secret'))).status).toBe(200);
  });
});

describe('free text that reaches a HIS, a label or a log', () => {
  it('refuses control, bidi-override and zero-width characters in any field, before any rule', async () => {
    const { accessToken } = await login('13600003001');
    for (const idNumber of ['E1234\u202e5678', 'E1234\u00005678', 'E\u200b12345678']) {
      const refused = await call('/v1/me/cards', {
        token: accessToken,
        headers: { 'idempotency-key': `key-${idNumber.length}-${Math.random().toString(36).slice(2)}` },
        body: {
          hospitalId: 'h-pumch',
          relationship: '10',
          name: 'John Smith',
          idType: '03',
          idNumber,
          phone: '13600003002',
          insuranceType: 'self_pay',
          birthDate: '1980-01-01',
        },
      });
      expectProblem(refused, 400);
      expect(refused.body.errors).toEqual([{ path: 'body.idNumber', issue: 'unsafe_characters' }]);
    }
  });
});

describe('what the local runtime shows', () => {
  it('keeps the SMS outbox readable by its owner only', async () => {
    await sendCode('13600004001');
    expect(statSync(join(local.dataDir, 'outbox', 'sms.jsonl')).mode & 0o777).toBe(0o600);
    expect(statSync(join(local.dataDir, 'outbox')).mode & 0o777).toBe(0o700);
  });

  it('tells anyone the health status, and the details only in the local stage', async () => {
    expect((await call('/health')).body).toMatchObject({ status: 'ok', keySource: 'local' });
    withConfig((local) => ({ ...local, stage: 'prod' }));
    const health = await call('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });
});
