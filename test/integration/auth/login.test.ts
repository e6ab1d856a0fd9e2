import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { changePhone, getMe } from '../../../functions/auth/account';
import { authenticate } from '../../../functions/auth/authenticate';
import { type LoginInput, loginWithCode } from '../../../functions/auth/login-with-code';
import { sendCode } from '../../../functions/auth/send-code';
import { listSessions, refreshSession, revokeSession } from '../../../functions/auth/sessions';
import { type AuthHarness, authHarness } from '../../helpers/auth-harness';
import { captureOutput } from '../../helpers/capture-logs';
import { localDynamo, rawTableText } from '../../helpers/dynamo';

const client = localDynamo();
afterAll(() => client.destroy());

let h: AuthHarness;
beforeEach(async () => {
  h = await authHarness(client);
});

const POLICY = '2026-11-01';
const client1 = { sourceIp: '203.0.113.5', ipPrefix: '203.0.113.0/24', userAgent: 'test-agent/1.0' };
let ipCounter = 0;

/**
 * Sends a code (each from a fresh IP, so per-IP windows stay out of the way, with a solved captcha,
 * so a number's third send in an hour goes through) and returns it.
 */
async function codeFor(phone: string, purpose: 'login' | 'step_up' = 'login') {
  ipCounter++;
  const ip = `198.51.${ipCounter % 250}.${ipCounter % 200}`;
  const captchaTicket = `ticket-${ipCounter}`;
  h.captcha.valid.add(captchaTicket);
  const { challengeId } = await sendCode(h.deps, {
    phone,
    purpose,
    sourceIp: ip,
    ipPrefix: `${ip}/32`,
    captchaTicket,
  });
  const e164 = `+86${phone.replace(/\D/g, '').slice(-11)}`;
  return { challengeId, code: h.sms.lastCodeFor(e164) };
}

const login = (input: Omit<LoginInput, 'client'>) => loginWithCode(h.deps, { ...input, client: client1 });

async function register(phone: string) {
  const { challengeId, code } = await codeFor(phone);
  return login({ challengeId, phone, code, acceptPolicyVersion: POLICY });
}

describe('loginWithCode', () => {
  it('asks a new number to accept the policy, keeping the code valid, then registers it', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    await expect(login({ challengeId, phone: '13912345678', code })).rejects.toMatchObject({
      code: 'policy_acceptance_required',
      extensions: { policyVersion: POLICY },
    });
    await expect(
      login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: '2020-01-01' }),
    ).rejects.toMatchObject({
      code: 'policy_acceptance_required',
    });
    const result = await login({ challengeId, phone: '139 1234 5678', code, acceptPolicyVersion: POLICY });
    expect(result.user).toEqual({
      id: expect.any(String),
      isNew: true,
      phoneMasked: '139****5678',
      realNameVerified: false,
    });
    expect(result).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
  });

  it('records consent with version, purposes, time, and the session that holds IP prefix and user agent', async () => {
    const { user } = await register('13912345678');
    const [entry] = await h.stores.consents.history(user.id);
    expect(entry).toMatchObject({
      purpose: 'privacy_policy',
      policyVersion: '2026-11-01',
      accepted: true,
      at: h.clock.now().getTime(),
      covers: ['account', 'sms_login'],
      by: 'self',
    });
    const [session] = await h.sessions.listSessions(user.id);
    expect(session).toMatchObject({
      familyId: entry?.sessionId,
      ipPrefix: '203.0.113.0/24',
      userAgent: 'test-agent/1.0',
    });
    expect(await h.stores.consents.current(user.id, 'privacy_policy')).toEqual({
      accepted: true,
      policyVersion: '2026-11-01',
    });
  });

  it('keeps the code valid when the write that uses it fails, so the same verify can be tried again', async () => {
    // The transaction that would create the account (and use the code) fails on the network.
    let failures = 0;
    const failOnce = (command: string) =>
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === command && failures === 0) {
            failures++;
            throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
          }
          return next(args);
        },
        { step: 'initialize', name: 'failOnce' },
      );
    const { challengeId, code } = await codeFor('13912345678');
    failOnce('TransactWriteItemsCommand');
    try {
      await expect(
        login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
      ).rejects.toThrow(/socket hang up/);
    } finally {
      client.middlewareStack.remove('failOnce');
    }
    // Nothing half done: no account, no claim, the code unused.
    const raw = await rawTableText(client, h.tableName);
    expect(raw).not.toContain('"sk":{"S":"PROFILE"}');
    expect(raw).not.toContain('"consumed":{"BOOL":true}');
    // The person taps again with the same code: registered once.
    const retried = await login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY });
    expect(retried.user.isNew).toBe(true);
    // A login's session write failing the same way leaves the code for the retry too.
    h.clock.advance(61_000);
    const again = await codeFor('13912345678');
    failures = 0;
    failOnce('TransactWriteItemsCommand');
    try {
      await expect(login({ ...again, phone: '13912345678' })).rejects.toThrow(/socket hang up/);
    } finally {
      client.middlewareStack.remove('failOnce');
    }
    await expect(login({ ...again, phone: '13912345678' })).resolves.toMatchObject({
      user: { id: retried.user.id, isNew: false },
    });
  });

  it('logs an existing number into the same account without asking for the policy', async () => {
    const first = await register('13912345678');
    h.clock.advance(61_000);
    const { challengeId, code } = await codeFor('+86 139-1234-5678');
    const second = await login({ challengeId, phone: '13912345678', code });
    expect(second.user).toMatchObject({ id: first.user.id, isNew: false });
  });

  it('burns a code after 3 wrong tries', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    const wrong = code === '000000' ? '111111' : '000000';
    const attempt = (c: string) =>
      login({ challengeId, phone: '13912345678', code: c, acceptPolicyVersion: POLICY });
    await expect(attempt(wrong)).rejects.toMatchObject({
      code: 'otp_invalid',
      extensions: { attemptsLeft: 2 },
    });
    await expect(attempt(wrong)).rejects.toMatchObject({
      code: 'otp_invalid',
      extensions: { attemptsLeft: 1 },
    });
    await expect(attempt(wrong)).rejects.toMatchObject({ code: 'otp_exhausted' });
    await expect(attempt(code)).rejects.toMatchObject({ code: 'otp_exhausted' });
  });

  it('expires a code after 5 minutes, by the clock, not by TTL', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    h.clock.advance(300_000);
    await expect(
      login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
    ).rejects.toMatchObject({
      code: 'otp_expired',
    });
  });

  it('binds a code to its challenge, number and purpose', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    const other = await codeFor('13912345679');
    await expect(
      login({ challengeId: other.challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    await expect(
      login({ challengeId, phone: '13912345679', code, acceptPolicyVersion: POLICY }),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    const { user, accessToken } = await login({
      challengeId,
      phone: '13912345678',
      code,
      acceptPolicyVersion: POLICY,
    });
    const identity = await authenticate(h.deps, `Bearer ${accessToken}`);
    // A login code is not a step-up code for the same number.
    await expect(
      changePhone(
        h.deps,
        identity,
        { currentPhone: { challengeId, code }, newPhone: { challengeId, phone: '13912345679', code } },
        client1,
      ),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    expect(user.id).toBe(identity.userId);
  });

  it('uses a code once', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    await login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY });
    await expect(login({ challengeId, phone: '13912345678', code })).rejects.toMatchObject({
      code: 'otp_invalid',
    });
  });

  it('never locks the owner out after failed codes: new codes need a captcha, then the hard one', async () => {
    const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
    let live = await codeFor('13912345678');
    for (let i = 0; i < 15; i++) {
      if (i > 0 && i % 3 === 0) {
        h.clock.advance(15 * 60_000); // a fresh code (three wrong ones burn each), within the number's 5 an hour
        live = await codeFor('13912345678');
      }
      await expect(
        login({ challengeId: live.challengeId, phone: '13912345678', code: wrongFor(live.code) }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^otp_(invalid|exhausted)$/) });
    }
    // Fifteen failures today: a standard captcha is no longer enough for this number...
    h.clock.advance(15 * 60_000);
    await expect(codeFor('13912345678')).rejects.toMatchObject({
      code: 'captcha_required',
      extensions: { captchaLevel: 'hard' },
    });
    // ...the hard one is, and the right code logs the owner in at once.
    h.captcha.hard.add('hard-1');
    const { challengeId } = await sendCode(h.deps, {
      phone: '13912345678',
      purpose: 'login',
      sourceIp: '203.0.113.50',
      ipPrefix: '203.0.113.0/24',
      captchaTicket: 'hard-1',
    });
    const code = h.sms.lastCodeFor('+8613912345678');
    await expect(
      login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
    ).resolves.toMatchObject({ user: { isNew: true } });
  });

  it("never refuses anyone for strangers' made-up challenges: they raise the bar for their network's sends", async () => {
    const stranger = { sourceIp: '192.0.2.66', ipPrefix: '192.0.2.0/24', userAgent: 'attacker' };
    const guess = () =>
      loginWithCode(h.deps, {
        challengeId: 'AAAAAAAAAAAAAAAAAAAAAA',
        phone: '13912345678',
        code: '123456',
        client: stranger,
      });
    for (let i = 0; i < 31; i++) await expect(guess()).rejects.toMatchObject({ code: 'otp_invalid' });
    // The number's owner, elsewhere, logs in as usual...
    const { challengeId, code } = await codeFor('13912345678');
    await expect(
      login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
    ).resolves.toMatchObject({ user: { isNew: true } });
    // ...and so does a neighbour on the stranger's own network (a shared Wi-Fi), with the right code.
    const neighbour = { sourceIp: '192.0.2.7', ipPrefix: '192.0.2.0/24', userAgent: 'neighbour' };
    const mine = await codeFor('13912345670');
    await expect(
      loginWithCode(h.deps, {
        ...mine,
        phone: '13912345670',
        acceptPolicyVersion: POLICY,
        client: neighbour,
      }),
    ).resolves.toMatchObject({ user: { isNew: true } });
    // Sends from that network now need the hard captcha; with it, they go.
    const fromThere = { phone: '13912345671', purpose: 'login' as const, ...neighbour };
    await expect(sendCode(h.deps, fromThere)).rejects.toMatchObject({
      code: 'captcha_required',
      extensions: { captchaLevel: 'hard' },
    });
    h.captcha.hard.add('hard-2');
    await expect(sendCode(h.deps, { ...fromThere, captchaTicket: 'hard-2' })).resolves.toBeTruthy();
  });
});

describe('concurrency', () => {
  it('gives exactly one token pair to 20 parallel verifies of the right code', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
      ),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('otp_invalid');
    const userId = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof login>>>).value.user.id;
    expect((await listSessions(h.deps, userId, '')).sessions).toHaveLength(1);
  });

  it('never counts more than 3 of 20 parallel wrong guesses', async () => {
    const { challengeId, code } = await codeFor('13912345678');
    const wrong = code === '000000' ? '111111' : '000000';
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        login({ challengeId, phone: '13912345678', code: wrong, acceptPolicyVersion: POLICY }),
      ),
    );
    const counted = results.filter(
      (r) =>
        r.status === 'rejected' &&
        (r.reason as { extensions?: { attemptsLeft?: number } }).extensions?.attemptsLeft !== undefined,
    );
    expect(counted.length).toBeLessThanOrEqual(2); // attemptsLeft 2 and 1; the 3rd reports exhausted
    const item = await client.send(
      new GetItemCommand({
        TableName: h.tableName,
        Key: { pk: { S: `PHONE#${h.deps.phoneToken('+8613912345678')}` }, sk: { S: 'OTP#login' } },
      }),
    );
    expect(item.Item?.attempts?.N).toBe('3');
    // The challenge is burned, even for the right code; nothing else is locked (a new code works).
    await expect(
      login({ challengeId, phone: '13912345678', code, acceptPolicyVersion: POLICY }),
    ).rejects.toMatchObject({ code: 'otp_exhausted' });
  });
});

describe('sessions and tokens', () => {
  it('rotates refresh tokens and revokes the family when an old one is replayed', async () => {
    const first = await register('13912345678');
    h.clock.advance(1000);
    const second = await refreshSession(h.deps, first.refreshToken);
    h.clock.advance(20_000);
    const third = await refreshSession(h.deps, second.refreshToken);
    expect(new Set([first.refreshToken, second.refreshToken, third.refreshToken]).size).toBe(3);

    await expect(refreshSession(h.deps, first.refreshToken)).rejects.toMatchObject({
      code: 'refresh_token_reused',
    });
    // The whole family is gone: the newest token and the access token stop working too.
    await expect(refreshSession(h.deps, third.refreshToken)).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    });
    await expect(authenticate(h.deps, `Bearer ${third.accessToken}`)).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('gives the previous token the same successor for 10 s after rotation, so neither holder is signed out', async () => {
    const first = await register('13912345678');
    const second = await refreshSession(h.deps, first.refreshToken);
    h.clock.advance(9_000);
    const retry = await refreshSession(h.deps, first.refreshToken); // the response to the first refresh was lost
    expect(retry.refreshToken).toBe(second.refreshToken);
    await expect(refreshSession(h.deps, second.refreshToken)).resolves.toBeTruthy();
  });

  it('refuses a made-up secret for a real session without revoking it', async () => {
    const first = await register('13912345678');
    const [userId, familyId] = first.refreshToken.split('.') as [string, string];
    for (const secret of [
      'A'.repeat(43),
      'A'.repeat(54),
      first.refreshToken.split('.')[2]?.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    ]) {
      await expect(refreshSession(h.deps, `${userId}.${familyId}.${secret}`)).rejects.toMatchObject({
        code: 'refresh_token_invalid',
      });
    }
    await expect(refreshSession(h.deps, first.refreshToken)).resolves.toBeTruthy();
  });

  it('answers parallel refreshes of one token with one successor', async () => {
    const first = await register('13912345678');
    const all = await Promise.all(
      Array.from({ length: 6 }, () => refreshSession(h.deps, first.refreshToken)),
    );
    expect(new Set(all.map((t) => t.refreshToken)).size).toBe(1);
    await expect(refreshSession(h.deps, all[0]?.refreshToken as string)).resolves.toBeTruthy();
  });

  it('treats the previous token after the grace period as reuse', async () => {
    const first = await register('13912345678');
    await refreshSession(h.deps, first.refreshToken);
    h.clock.advance(11_000);
    await expect(refreshSession(h.deps, first.refreshToken)).rejects.toMatchObject({
      code: 'refresh_token_reused',
    });
  });

  it('ends a session after 7 idle days and after 30 days whatever the use', async () => {
    const idle = await register('13912345678');
    h.clock.advance(7 * 86_400_000);
    await expect(refreshSession(h.deps, idle.refreshToken)).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    });

    let tokens: { refreshToken: string } = await register('13912345670');
    for (let day = 0; day < 29; day++) {
      h.clock.advance(86_400_000);
      tokens = await refreshSession(h.deps, tokens.refreshToken);
    }
    h.clock.advance(86_400_000);
    await expect(refreshSession(h.deps, tokens.refreshToken)).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    });
  });

  it('refuses malformed refresh tokens', async () => {
    for (const token of ['', 'abc', 'a.b.c', `${'x'.repeat(22)}.${'y'.repeat(22)}`]) {
      await expect(refreshSession(h.deps, token)).rejects.toMatchObject({ code: 'refresh_token_invalid' });
    }
  });

  it('verifies access tokens: signature, expiry, and a live session', async () => {
    const { accessToken, user } = await register('13912345678');
    const identity = await authenticate(h.deps, `Bearer ${accessToken}`);
    expect(identity).toMatchObject({ userId: user.id, amr: ['sms'] });
    await expect(authenticate(h.deps, undefined)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(authenticate(h.deps, `Bearer ${accessToken.slice(0, -2)}xx`)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const [header, payload] = accessToken.split('.');
    const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    await expect(authenticate(h.deps, `Bearer ${forged}`)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(header).toBeTruthy();
    h.clock.advance(15 * 60_000 + 6_000);
    await expect(authenticate(h.deps, `Bearer ${accessToken}`)).rejects.toMatchObject({
      code: 'token_expired',
    });
  });

  it('logs out one session and lists and revokes others', async () => {
    const a = await register('13912345678');
    h.clock.advance(61_000);
    const { challengeId, code } = await codeFor('13912345678');
    const b = await login({ challengeId, phone: '13912345678', code });
    const idA = await authenticate(h.deps, `Bearer ${a.accessToken}`);
    const idB = await authenticate(h.deps, `Bearer ${b.accessToken}`);
    const { sessions } = await listSessions(h.deps, idA.userId, idA.sessionId);
    expect(sessions.map((s) => s.current).sort()).toEqual([false, true]);

    await revokeSession(h.deps, idA.userId, idB.sessionId, 'user');
    await expect(authenticate(h.deps, `Bearer ${b.accessToken}`)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(revokeSession(h.deps, idA.userId, idB.sessionId, 'user')).rejects.toMatchObject({
      code: 'session_not_found',
    });
    await revokeSession(h.deps, idA.userId, idA.sessionId, 'logout');
    await expect(authenticate(h.deps, `Bearer ${a.accessToken}`)).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses a phone change proven by the new number alone: a stolen access token cannot take the account', async () => {
    const owner = await register('13912345678');
    const stolen = await authenticate(h.deps, `Bearer ${owner.accessToken}`);
    // The thief has the access token and their own number, never a code sent to the owner's.
    const theirs = await codeFor('13700137000', 'step_up');
    await expect(
      changePhone(
        h.deps,
        stolen,
        {
          currentPhone: { challengeId: theirs.challengeId, code: theirs.code },
          newPhone: { ...theirs, phone: '13700137000' },
        },
        client1,
      ),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    await expect(
      changePhone(
        h.deps,
        stolen,
        {
          currentPhone: { challengeId: 'AAAAAAAAAAAAAAAAAAAAAA', code: '000000' },
          newPhone: { ...theirs, phone: '13700137000' },
        },
        client1,
      ),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    expect((await getMe(h.deps, stolen)).phoneMasked).toBe('139****5678');
  });

  it('changes the phone with step-up codes to both numbers and signs out every other session', async () => {
    const a = await register('13912345678');
    h.clock.advance(61_000);
    const again = await codeFor('13912345678');
    const b = await login({ ...again, phone: '13912345678' });
    const identity = await authenticate(h.deps, `Bearer ${a.accessToken}`);

    const current = await codeFor('13912345678', 'step_up');
    const step = await codeFor('13800138000', 'step_up');
    const changed = await changePhone(
      h.deps,
      identity,
      { currentPhone: current, newPhone: { ...step, phone: '13800138000' } },
      client1,
    );
    expect(changed).toEqual({ phoneMasked: '138****8000', sessionsRevoked: 1 });
    expect((await getMe(h.deps, identity)).phoneMasked).toBe('138****8000');
    await expect(authenticate(h.deps, `Bearer ${b.accessToken}`)).rejects.toMatchObject({
      code: 'unauthorized',
    });

    // The old number is free for a new account; the new one is taken.
    h.clock.advance(61_000);
    const other = await register('13912345678');
    expect(other.user.isNew).toBe(true);
    const otherIdentity = await authenticate(h.deps, `Bearer ${other.accessToken}`);
    h.clock.advance(61_000);
    const own = await codeFor('13912345678', 'step_up');
    const taken = await codeFor('13800138000', 'step_up');
    await expect(
      changePhone(
        h.deps,
        otherIdentity,
        { currentPhone: own, newPhone: { ...taken, phone: '13800138000' } },
        client1,
      ),
    ).rejects.toMatchObject({ code: 'phone_taken' });
  });
});

describe('no plaintext at rest or in logs', () => {
  it('keeps phone numbers, codes and tokens out of every item and log line', async () => {
    const phone = '13912345678';
    const { output, result } = await captureOutput(async () => {
      const { challengeId, code } = await codeFor(phone);
      await login({ challengeId, phone, code }).catch(() => undefined);
      await login({ challengeId, phone, code: code === '000000' ? '111111' : '000000' }).catch(
        () => undefined,
      );
      const tokens = await login({ challengeId, phone, code, acceptPolicyVersion: POLICY });
      const next = await refreshSession(h.deps, tokens.refreshToken);
      return { code, tokens, next };
    });
    const raw = await rawTableText(client, h.tableName);
    const secrets = [
      phone,
      `+86${phone}`,
      result.code,
      result.tokens.refreshToken,
      result.tokens.refreshToken.split('.')[2] as string,
      result.tokens.accessToken,
      result.next.refreshToken,
    ];
    for (const secret of secrets) {
      expect(raw).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    expect(raw).toContain('AUDIT#');
  });
});
