import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../../bin/local/site';
import { loginWithCode } from '../../../functions/auth/login-with-code';
import type { SendCodeInput } from '../../../functions/auth/send-code';
import { sendCode } from '../../../functions/auth/send-code';
import { type AuthHarness, authHarness } from '../../helpers/auth-harness';
import { localDynamo, rawTableText } from '../../helpers/dynamo';

const client = localDynamo();
afterAll(() => client.destroy());

let h: AuthHarness;
beforeEach(async () => {
  h = await authHarness(client);
});

const from = (ip: string, phone = '13912345678'): SendCodeInput => ({
  phone,
  purpose: 'login',
  sourceIp: ip,
  ipPrefix: `${ip.split('.').slice(0, 3).join('.')}.0/24`,
});
const send = (input: SendCodeInput) => sendCode(h.deps, input);
const minute = 60_000;

describe('sendCode', () => {
  it('sends a six-digit code and stores only its MAC', async () => {
    const result = await send(from('203.0.113.7'));
    expect(result).toEqual({
      challengeId: expect.stringMatching(/^[\w-]{22}$/),
      expiresIn: 300,
      resendAfter: 60,
    });
    const code = h.sms.lastCodeFor('+8613912345678');
    expect(code).toMatch(/^\d{6}$/);
    const raw = await rawTableText(client, h.tableName);
    expect(raw).not.toContain(`"${code}"`);
    expect(raw).not.toContain('13912345678');
  });

  it('refuses numbers that are not mainland mobiles', async () => {
    await expect(send(from('203.0.113.7', '+852 9123 4567'))).rejects.toMatchObject({
      code: 'phone_invalid',
    });
    await expect(send(from('203.0.113.7', '14012345678'))).rejects.toMatchObject({ code: 'phone_invalid' });
    expect(h.sms.sent).toHaveLength(0);
  });

  it('makes a number wait 60 s between sends', async () => {
    await send(from('203.0.113.7'));
    h.clock.advance(59_000);
    await expect(send(from('203.0.113.7'))).rejects.toMatchObject({
      code: 'otp_resend_too_soon',
      retryAfter: 60,
    });
    h.clock.advance(1_000);
    await expect(send(from('203.0.113.7'))).resolves.toBeTruthy();
  });

  it('allows 5 sends per number per hour, asking for a captcha as the limit nears', async () => {
    const ips = ['203.0.113.1', '198.51.100.1', '192.0.2.1', '203.0.112.1', '198.51.101.1', '192.0.3.1'];
    for (const ip of ips.slice(0, 3)) {
      await send(from(ip));
      h.clock.advance(minute);
    }
    await expect(send(from(ips[3] as string))).rejects.toMatchObject({ code: 'captcha_required' });
    h.captcha.valid.add('t1').add('t2').add('t3');
    await send({ ...from(ips[3] as string), captchaTicket: 't1' });
    h.clock.advance(minute);
    await send({ ...from(ips[4] as string), captchaTicket: 't2' });
    h.clock.advance(minute);
    await expect(send({ ...from(ips[5] as string), captchaTicket: 't3' })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfter: expect.any(Number),
    });
    expect(h.sms.sent).toHaveLength(5);
  });

  it('raises the bar for a busy network, never refuses it: a captcha, then the hard one', async () => {
    h = await authHarness(client, {
      limits: { ...exampleConfig.auth.limits, perNetwork: [{ seconds: 600, captchaAt: 3, hardAt: 6 }] },
    });
    const number = (i: number) => `139000000${String(i).padStart(2, '0')}`;
    // A lobby's Wi-Fi: everyone behind one /24.
    for (let i = 0; i < 3; i++) await send(from(`203.0.113.${i + 1}`, number(i)));
    await expect(send(from('203.0.113.9', number(3)))).rejects.toMatchObject({
      code: 'captcha_required',
      extensions: { captchaLevel: 'standard', captchaAppId: String(exampleConfig.auth.captcha.appId) },
    });
    for (let i = 3; i < 6; i++) {
      h.captcha.valid.add(`s${i}`);
      await send({ ...from(`203.0.113.${i + 1}`, number(i)), captchaTicket: `s${i}` });
    }
    // Past a crowd's worth, a standard ticket asks for the hard captcha (and is not spent as a failure).
    h.captcha.valid.add('s6');
    await expect(send({ ...from('203.0.113.70', number(6)), captchaTicket: 's6' })).rejects.toMatchObject({
      code: 'captcha_required',
      extensions: { captchaLevel: 'hard', captchaAppId: String(exampleConfig.auth.captcha.hardAppId) },
    });
    for (let i = 6; i < 30; i++) {
      h.captcha.hard.add(`h${i}`);
      await expect(
        send({ ...from(`203.0.113.${i + 1}`, number(i)), captchaTicket: `h${i}` }),
      ).resolves.toBeTruthy();
    }
    expect(h.sms.sent).toHaveLength(30);
    // Another network is untouched by this one's count.
    await expect(send(from('198.51.100.1', number(40)))).resolves.toBeTruthy();
    h.clock.advance(10 * minute);
    await expect(send(from('203.0.113.9', number(41)))).resolves.toBeTruthy();
  });

  it('gives back counts taken by a refused send', async () => {
    // The 4th send for a number trips the captcha (1 left of 5): the refused tries must not keep their hits.
    for (let i = 0; i < 3; i++) {
      await send(from(`203.0.11${i}.20`));
      h.clock.advance(minute);
    }
    await expect(send(from('203.0.114.20'))).rejects.toMatchObject({ code: 'captcha_required' });
    await expect(send(from('203.0.114.20'))).rejects.toMatchObject({ code: 'captcha_required' });
    h.captcha.valid.add('ok').add('ok2');
    await expect(send({ ...from('203.0.114.20'), captchaTicket: 'ok' })).resolves.toBeTruthy();
    h.clock.advance(minute);
    // Had the refused tries counted, this 5th send of the hour would be refused.
    await expect(send({ ...from('203.0.115.20'), captchaTicket: 'ok2' })).resolves.toBeTruthy();
  });

  it('always asks virtual-operator numbers for a captcha', async () => {
    await expect(send(from('203.0.113.7', '17012345678'))).rejects.toMatchObject({
      code: 'captcha_required',
    });
    h.captcha.valid.add('v');
    await expect(send({ ...from('203.0.113.7', '17012345678'), captchaTicket: 'v' })).resolves.toBeTruthy();
  });

  it('refuses a bad captcha ticket', async () => {
    await expect(send({ ...from('203.0.113.7'), captchaTicket: 'forged' })).rejects.toMatchObject({
      code: 'captcha_invalid',
    });
  });

  it("splits the day's ceiling in shares: a script without captchas spends only its own, known numbers keep theirs", async () => {
    h = await authHarness(client, {
      limits: {
        ...exampleConfig.auth.limits,
        global: { dailySends: 10, shares: { known: 0.2, captcha: 0.3, open: 0.5 }, counterShards: 1 },
      },
    });
    // A person who already has an account (their registration drew on the open share: 1 of 5).
    const owner = '13900000020';
    const sent = await send(from('192.0.2.1', owner));
    await loginWithCode(h.deps, {
      ...sent,
      phone: owner,
      code: h.sms.lastCodeFor(`+86${owner}`),
      acceptPolicyVersion: exampleConfig.auth.policy.version,
      client: { sourceIp: '192.0.2.1', ipPrefix: '192.0.2.0/24', userAgent: 'test' },
    });
    // A script sending to made-up numbers from fresh networks, never solving a captcha: 4 more, then asked.
    const spam = (i: number) => from(`198.18.${i}.1`, `1390000003${i}`);
    for (let i = 0; i < 4; i++) await send(spam(i));
    await expect(send(spam(4))).rejects.toMatchObject({ code: 'captcha_required' });
    // With captchas it has the captcha share (3), then the ceiling: 503.
    for (let i = 4; i < 7; i++) {
      h.captcha.valid.add(`c${i}`);
      await send({ ...spam(i), captchaTicket: `c${i}` });
    }
    h.captcha.valid.add('c7');
    await expect(send({ ...spam(7), captchaTicket: 'c7' })).rejects.toMatchObject({
      code: 'sms_unavailable',
    });
    // The account's number still gets its code, from the reserve nobody else could reach.
    h.clock.advance(61_000);
    await expect(send(from('192.0.2.1', owner))).resolves.toBeTruthy();
    h.clock.advance(24 * 3600_000);
    await expect(send(spam(8))).resolves.toBeTruthy();
  });

  it('keeps each share in shards: no counter takes every send, none passes its part', async () => {
    h = await authHarness(client, {
      limits: {
        ...exampleConfig.auth.limits,
        global: { dailySends: 8, shares: { known: 0, captcha: 0, open: 1 }, counterShards: 4 },
      },
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        send(from(`198.18.${i}.1`, `139000003${String(i).padStart(2, '0')}`)),
      ),
    );
    const sent = outcomes.filter((o) => o.status === 'fulfilled').length;
    const asked = outcomes.filter(
      (o) => o.status === 'rejected' && (o.reason as { code: string }).code === 'captcha_required',
    ).length;
    expect(sent + asked).toBe(24);
    expect(sent).toBeLessThanOrEqual(8);
    expect(sent).toBeGreaterThanOrEqual(2);
    const counters = JSON.parse(await rawTableText(client, h.tableName)).filter(
      (item: { pk: { S: string } }) => item.pk.S.startsWith('RATE#sms-global-open#'),
    );
    expect(counters.length).toBeGreaterThan(1);
    for (const counter of counters) expect(Number(counter.count.N)).toBeLessThanOrEqual(2);
  });

  it('exempts loopback clients from per-IP limits and captcha only where configured', async () => {
    h = await authHarness(client, { exemptLoopback: true });
    for (let i = 0; i < 8; i++) await send(from('127.0.0.1', `1390000010${i}`));
    expect(h.sms.sent).toHaveLength(8);
    h = await authHarness(client);
    for (let i = 0; i < 5; i++) await send(from('127.0.0.1', `1390000020${i}`));
    await expect(send(from('127.0.0.1', '13900000209'))).rejects.toMatchObject({ code: 'captcha_required' });
  });

  it('answers 503 when no provider delivers, and lets the number retry at once', async () => {
    h.sms.failing = true;
    await expect(send(from('203.0.113.7'))).rejects.toMatchObject({ code: 'sms_unavailable' });
    h.sms.failing = false;
    await expect(send(from('203.0.113.7'))).resolves.toBeTruthy();
  });

  it('lets only one of 20 parallel sends for a number through', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => send(from(`203.0.${i}.7`))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(h.sms.sent).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('otp_resend_too_soon');
    }
  });

  it('lets 20 parallel sends from one address through when each solved its captcha (a crowd, not a refusal)', async () => {
    h.captcha.valid.clear();
    for (let i = 0; i < 20; i++) h.captcha.valid.add(`t${i}`);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        send({ ...from('203.0.113.77', `139000003${String(i).padStart(2, '0')}`), captchaTicket: `t${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(h.sms.sent).toHaveLength(20);
  });
});
