import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SendCodeInput } from '../../../functions/auth/send-code';
import { sendCode } from '../../../functions/auth/send-code';
import { stages } from '../../../functions/core/config';
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

  it('allows 5 sends per IP /24 per 10 minutes across numbers', async () => {
    h.captcha.valid.add('a').add('b').add('c');
    const numbers = [
      '13900000001',
      '13900000002',
      '13900000003',
      '13900000004',
      '13900000005',
      '13900000006',
    ];
    for (const n of numbers.slice(0, 3)) await send(from('203.0.113.9', n));
    await expect(send(from('203.0.113.10', numbers[3]))).rejects.toMatchObject({ code: 'captcha_required' });
    await send({ ...from('203.0.113.10', numbers[3]), captchaTicket: 'a' });
    await send({ ...from('203.0.113.11', numbers[4]), captchaTicket: 'b' });
    await expect(send({ ...from('203.0.113.12', numbers[5]), captchaTicket: 'c' })).rejects.toMatchObject({
      code: 'rate_limited',
    });
    h.clock.advance(10 * minute);
    await expect(send(from('203.0.113.9', numbers[5]))).resolves.toBeTruthy();
  });

  it('gives back counts taken by a refused send', async () => {
    // The 4th number trips the captcha; its number window and the IP window must not keep the hit.
    const numbers = ['13900000011', '13900000012', '13900000013', '13900000014'];
    for (const n of numbers.slice(0, 3)) await send(from('203.0.113.20', n));
    await expect(send(from('203.0.113.20', numbers[3]))).rejects.toMatchObject({ code: 'captcha_required' });
    await expect(send(from('203.0.113.20', numbers[3]))).rejects.toMatchObject({ code: 'captcha_required' });
    h.captcha.valid.add('ok');
    // Had the refused tries counted, this would be the 6th send of the window and refused.
    await expect(send({ ...from('203.0.113.20', numbers[3]), captchaTicket: 'ok' })).resolves.toBeTruthy();
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

  it('trips the global daily ceiling with 503 until the next day', async () => {
    h = await authHarness(client, {
      limits: { ...stages.prod.auth.limits, globalDailySends: 2, globalCounterShards: 1 },
    });
    await send(from('203.0.113.1', '13900000021'));
    await send(from('198.51.100.1', '13900000022'));
    await expect(send(from('192.0.2.1', '13900000023'))).rejects.toMatchObject({ code: 'sms_unavailable' });
    h.clock.advance(24 * 3600_000);
    await expect(send(from('192.0.2.1', '13900000023'))).resolves.toBeTruthy();
  });

  it('keeps the global count in shards: no counter takes every send, none passes its share', async () => {
    h = await authHarness(client, {
      limits: { ...stages.prod.auth.limits, globalDailySends: 8, globalCounterShards: 4 },
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        send(from(`198.18.${i}.1`, `139000003${String(i).padStart(2, '0')}`)),
      ),
    );
    const sent = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter(
      (o) => o.status === 'rejected' && (o.reason as { code: string }).code === 'sms_unavailable',
    ).length;
    expect(sent + refused).toBe(24);
    expect(sent).toBeLessThanOrEqual(8);
    expect(sent).toBeGreaterThanOrEqual(2);
    const counters = JSON.parse(await rawTableText(client, h.tableName)).filter(
      (item: { pk: { S: string } }) => item.pk.S.startsWith('RATE#sms-global#'),
    );
    expect(counters.length).toBeGreaterThan(1);
    for (const counter of counters) expect(Number(counter.count.N)).toBeLessThanOrEqual(2);
  });

  it('exempts loopback clients from per-IP limits and captcha only where configured', async () => {
    h = await authHarness(client, { exemptLoopback: true });
    for (let i = 0; i < 8; i++) await send(from('127.0.0.1', `1390000010${i}`));
    expect(h.sms.sent).toHaveLength(8);
    h = await authHarness(client);
    for (let i = 0; i < 3; i++) await send(from('127.0.0.1', `1390000020${i}`));
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

  it('never lets 20 parallel sends from one IP exceed its window', async () => {
    h.captcha.valid.clear();
    for (let i = 0; i < 20; i++) h.captcha.valid.add(`t${i}`);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        send({ ...from('203.0.113.77', `139000003${String(i).padStart(2, '0')}`), captchaTicket: `t${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(h.sms.sent).toHaveLength(5);
  });
});
