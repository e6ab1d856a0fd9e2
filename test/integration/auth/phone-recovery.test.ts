import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { getMe } from '../../../functions/auth/account';
import { authenticate } from '../../../functions/auth/authenticate';
import { loginWithCode } from '../../../functions/auth/login-with-code';
import {
  cancelPhoneRecovery,
  completePhoneRecovery,
  type PhoneRecoveryDeps,
  startPhoneRecovery,
} from '../../../functions/auth/phone-recovery';
import { sendCode } from '../../../functions/auth/send-code';
import type { Identity } from '../../../functions/core/authorizer-context';
import { DynamoIdentityStore } from '../../../functions/identity/dynamo-identity-store';
import { type AuthHarness, authHarness } from '../../helpers/auth-harness';
import { localDynamo, rawTableText } from '../../helpers/dynamo';

const client = localDynamo();
afterAll(() => client.destroy());

const POLICY = '2026-11-01';
const ZHANG = { name: '张三', idType: 'resident' as const, idNumber: '11010519491231002X' };
const caller = { sourceIp: '203.0.113.5', ipPrefix: '203.0.113.0/24', userAgent: 'phone/1.0' };

let h: AuthHarness;
let deps: PhoneRecoveryDeps;
let n = 0;
beforeEach(async () => {
  h = await authHarness(client);
  const identities = new DynamoIdentityStore(h.table, h.audit);
  deps = {
    auth: h.deps,
    verifiedIdentity: async (userId) => identities.verifiedIdentity(userId),
    idNumberToken: (number) => h.indexer.token('id-number', number),
    attemptsPerDay: 5,
  };
});

async function codeFor(phone: string, purpose: 'login' | 'step_up') {
  n++;
  const captchaTicket = `t-${n}`;
  h.captcha.valid.add(captchaTicket);
  const { challengeId } = await sendCode(h.deps, {
    phone,
    purpose,
    sourceIp: `198.51.${n}.1`,
    ipPrefix: `198.51.${n}.0/24`,
    captchaTicket,
  });
  return { challengeId, code: h.sms.lastCodeFor(`+86${phone}`) };
}

async function session(phone: string): Promise<Identity & { refreshToken: string }> {
  h.clock.advance(61_000);
  const code = await codeFor(phone, 'login');
  const login = await loginWithCode(h.deps, { ...code, phone, acceptPolicyVersion: POLICY, client: caller });
  return {
    ...(await authenticate(h.deps, `Bearer ${login.accessToken}`)),
    refreshToken: login.refreshToken,
  };
}

/** An account on `phone`, real-name verified as 张三. */
async function verifiedAccount(phone: string) {
  const who = await session(phone);
  const idToken = h.indexer.token('id-number', ZHANG.idNumber);
  await new DynamoIdentityStore(h.table, h.audit).recordVerified(
    {
      userId: who.userId,
      idToken,
      idType: 'resident',
      name: ZHANG.name,
      idNumber: ZHANG.idNumber,
      nameMasked: '*三',
      idNumberMasked: '1101**********002X',
      birthDate: '1949-12-31',
      verifiedAt: h.clock.now().getTime(),
      provider: 'test',
    },
    { event: 'identity.verification', userId: who.userId, at: h.clock.now().getTime() },
  );
  return who;
}

async function start(who: Identity, newPhone: string, person = ZHANG) {
  const code = await codeFor(newPhone, 'step_up');
  return startPhoneRecovery(deps, who, { ...person, newPhone: { ...code, phone: newPhone } }, caller);
}

describe('phone recovery after a lost number', () => {
  it('moves the account after 24 h, tells the old number, and signs out the other sessions', async () => {
    const starter = await verifiedAccount('13912345678');
    const other = await session('13912345678');
    const started = await start(starter, '13700137000');
    expect(started).toEqual({
      recoveryId: expect.any(String),
      dueAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString(),
      phoneMasked: '137****7000',
    });
    expect(h.sms.sent.at(-1)).toEqual({
      kind: 'notice',
      notice: 'phone_recovery',
      phone: '+8613912345678',
      hours: 24,
    });
    // Every session sees it.
    expect((await getMe(h.deps, other)).phoneRecovery).toEqual({
      dueAt: started.dueAt,
      phoneMasked: '137****7000',
    });
    await expect(completePhoneRecovery(deps, starter)).rejects.toMatchObject({
      code: 'phone_recovery_not_due',
    });
    h.clock.advance(86_400_000);
    await expect(completePhoneRecovery(deps, other)).rejects.toMatchObject({
      code: 'phone_recovery_other_session',
    });
    await expect(completePhoneRecovery(deps, starter)).resolves.toEqual({
      phoneMasked: '137****7000',
      sessionsRevoked: 1,
    });
    expect((await h.sessions.getSession(other.userId, other.sessionId))?.revokedAt).toBeDefined();
    expect((await h.sessions.getSession(starter.userId, starter.sessionId))?.revokedAt).toBeUndefined();
    expect((await getMe(h.deps, starter)).phoneMasked).toBe('137****7000');
    // The new number now logs in to the same account; the old one registers afresh.
    const viaNew = await session('13700137000');
    expect(viaNew.userId).toBe(starter.userId);
    const viaOld = await session('13912345678');
    expect(viaOld.userId).not.toBe(starter.userId);
    expect(await rawTableText(client, h.tableName)).not.toContain('13700137000');
  });

  it('lets the owner cancel from any session a recovery started with a stolen token, and it never completes', async () => {
    const owner = await verifiedAccount('13912345678');
    const thief = await session('13912345678'); // stands for a stolen session
    await start(thief, '13600136000');
    await cancelPhoneRecovery(deps, owner);
    expect((await getMe(h.deps, owner)).phoneRecovery).toBeNull();
    h.clock.advance(86_400_000);
    await expect(completePhoneRecovery(deps, thief)).rejects.toMatchObject({
      code: 'phone_recovery_not_found',
    });
    expect((await getMe(h.deps, owner)).phoneMasked).toBe('139****5678');
    await expect(cancelPhoneRecovery(deps, owner)).rejects.toMatchObject({
      code: 'phone_recovery_not_found',
    });
  });

  it('signs out the session that asked and bars new recoveries for 7 days unless the current number proves itself', async () => {
    const owner = await verifiedAccount('13912345678');
    const thief = await session('13912345678');
    await start(thief, '13600136000');
    await cancelPhoneRecovery(deps, owner);
    expect((await h.sessions.getSession(thief.userId, thief.sessionId))?.revokedAt).toBeDefined();
    expect((await h.sessions.getSession(owner.userId, owner.sessionId))?.revokedAt).toBeUndefined();
    // Another stolen session asks again at once, and a day later: barred, and no notice goes out.
    const thief2 = await session('13912345678');
    const notices = h.sms.sent.filter((m) => m.kind === 'notice').length;
    await expect(start(thief2, '13600136001')).rejects.toMatchObject({
      code: 'phone_recovery_blocked',
      retryAfter: 7 * 86_400 - 61,
    });
    h.clock.advance(86_400_000);
    await expect(start(thief2, '13600136001')).rejects.toMatchObject({ code: 'phone_recovery_blocked' });
    expect(h.sms.sent.filter((m) => m.kind === 'notice').length).toBe(notices);
    // The owner, who still has the number, may start one with a code to it.
    const current = await codeFor('13912345678', 'step_up');
    const next = await codeFor('13700137001', 'step_up');
    await expect(
      startPhoneRecovery(
        deps,
        owner,
        { ...ZHANG, newPhone: { ...next, phone: '13700137001' }, currentPhone: current },
        caller,
      ),
    ).resolves.toMatchObject({ phoneMasked: '137****7001' });
    // After the 7 days the bar is gone for everyone.
    await cancelPhoneRecovery(deps, owner);
    h.clock.advance(7 * 86_400_000);
    await expect(start(thief2, '13600136002')).resolves.toMatchObject({ phoneMasked: '136****6002' });
  });

  it('answers a wrong name or ID number as a mismatch, counts every attempt, and allows one recovery at a time', async () => {
    const who = await verifiedAccount('13912345678');
    await expect(start(who, '13700137000', { ...ZHANG, name: '李四' })).rejects.toMatchObject({
      code: 'identity_mismatch',
    });
    await expect(
      start(who, '13700137001', { ...ZHANG, idNumber: '110105194912310037' }),
    ).rejects.toMatchObject({ code: 'identity_mismatch' });
    await start(who, '13700137002');
    await expect(start(who, '13700137003')).rejects.toMatchObject({ code: 'phone_recovery_pending' });
    // Four attempts counted so far (5 a day with real-name verification).
    await expect(start(who, '13700137004', { ...ZHANG, name: '王五' })).rejects.toMatchObject({
      code: 'identity_mismatch',
    });
    await expect(start(who, '13700137005')).rejects.toMatchObject({ code: 'too_many_attempts' });
  });

  it('is not offered to an account without a verified identity', async () => {
    const who = await session('13912345678');
    await expect(start(who, '13700137000')).rejects.toMatchObject({ code: 'phone_recovery_unavailable' });
  });
});
