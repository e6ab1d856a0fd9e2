import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../../bin/local/site';
import { startAliyunSmsStandin } from '../../../bin/local/standins/aliyun-sms';
import { startTencentCaptchaStandin, startTencentSmsStandin } from '../../../bin/local/standins/tencent';
import { systemClock } from '../../../functions/core/clock';
import { TencentCaptchaVerifier } from '../../../functions/providers/captcha/tencent-captcha-verifier';
import { standinCredentials } from '../../../functions/providers/credentials';
import { AliyunSmsSender } from '../../../functions/providers/sms/aliyun-sms-sender';
import { FailoverSmsSender } from '../../../functions/providers/sms/failover-sms-sender';
import { SmsProviderError } from '../../../functions/providers/sms/message';
import { TencentSmsSender } from '../../../functions/providers/sms/tencent-sms-sender';
import { cryptoRandom } from '../../helpers/auth-harness';

const { sms, captcha: captchaConfig } = exampleConfig.auth;
const message = { phone: '+8613912345678', code: '042917', ttlMinutes: 5 };

let aliyun: Awaited<ReturnType<typeof startAliyunSmsStandin>>;
let tencent: Awaited<ReturnType<typeof startTencentSmsStandin>>;
let captcha: Awaited<ReturnType<typeof startTencentCaptchaStandin>>;

const aliyunSender = (secret = standinCredentials.aliyunSms.accessKeySecret) =>
  new AliyunSmsSender(
    {
      ...standinCredentials.aliyunSms,
      accessKeySecret: secret,
      endpoint: aliyun.url,
      signName: sms.signName,
      templateCode: sms.aliyun.templateCode,
      noticeTemplates: sms.aliyun.noticeTemplates,
    },
    systemClock,
    cryptoRandom,
  );
const tencentSender = (secretKey = standinCredentials.tencent.secretKey) =>
  new TencentSmsSender(
    {
      ...standinCredentials.tencent,
      secretKey,
      ...sms.tencent,
      endpoint: tencent.url,
      signName: sms.signName,
    },
    systemClock,
  );

beforeAll(async () => {
  aliyun = await startAliyunSmsStandin(standinCredentials.aliyunSms);
  tencent = await startTencentSmsStandin(standinCredentials.tencent, sms.tencent.sdkAppId);
  captcha = await startTencentCaptchaStandin(standinCredentials.tencent, {
    standard: { appId: captchaConfig.appId, appSecretKey: standinCredentials.tencentCaptcha.appSecretKey },
    hard: { appId: captchaConfig.hardAppId, appSecretKey: 'hard-app-secret' },
  });
});
afterAll(async () => {
  await Promise.all([aliyun.close(), tencent.close(), captcha.close()]);
});

describe('AliyunSmsSender against the dysmsapi stand-in', () => {
  it('sends a correctly signed SendSms with the code as a template parameter', async () => {
    await aliyunSender().send(message);
    expect(aliyun.received.at(-1)).toEqual({
      phone: '13912345678',
      templateCode: sms.aliyun.templateCode,
      params: { code: '042917' },
    });
  });

  it('sends a notice with its own registered template and no code', async () => {
    await aliyunSender().send({
      kind: 'notice',
      notice: 'phone_recovery',
      phone: '+8613912345678',
      hours: 24,
    });
    expect(aliyun.received.at(-1)).toEqual({
      phone: '13912345678',
      templateCode: sms.aliyun.noticeTemplates.phone_recovery,
      params: { hours: '24' },
    });
    await aliyunSender().send({
      kind: 'notice',
      notice: 'identity_linked',
      phone: '+8613912345678',
      provider: 'alipay',
    });
    expect(aliyun.received.at(-1)).toEqual({
      phone: '13912345678',
      templateCode: sms.aliyun.noticeTemplates.identity_linked,
      params: { provider: '支付宝' },
    });
  });

  it('signs values that need RFC 3986 escaping (Chinese sign name, JSON, spaces)', async () => {
    const sender = new AliyunSmsSender(
      {
        ...standinCredentials.aliyunSms,
        endpoint: aliyun.url,
        signName: "患者 服务(测试)*!'",
        templateCode: 'SMS_1',
        noticeTemplates: { phone_recovery: 'SMS_2', identity_linked: 'SMS_3', incident: 'SMS_4' },
      },
      systemClock,
      cryptoRandom,
    );
    await expect(sender.send(message)).resolves.toBeUndefined();
  });

  it('fails with the provider code when the signature is wrong or the provider refuses', async () => {
    await expect(aliyunSender('wrong-secret').send(message)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    aliyun.failWith('isv.BUSINESS_LIMIT_CONTROL');
    try {
      await expect(aliyunSender().send(message)).rejects.toThrow(SmsProviderError);
    } finally {
      aliyun.failWith(undefined);
    }
  });
});

describe('TencentSmsSender against the SMS 2021-01-11 stand-in', () => {
  it('sends a notice with its own registered template and no code', async () => {
    await tencentSender().send({
      kind: 'notice',
      notice: 'phone_recovery',
      phone: '+8613912345678',
      hours: 24,
    });
    expect(tencent.received.at(-1)).toEqual({
      phone: '+8613912345678',
      templateId: sms.tencent.noticeTemplates.phone_recovery,
      params: ['24'],
    });
    await tencentSender().send({
      kind: 'notice',
      notice: 'identity_linked',
      phone: '+8613912345678',
      provider: 'wechat',
    });
    expect(tencent.received.at(-1)).toEqual({
      phone: '+8613912345678',
      templateId: sms.tencent.noticeTemplates.identity_linked,
      params: ['微信'],
    });
  });

  it('sends a TC3-signed SendSms with the code and lifetime as template parameters', async () => {
    await tencentSender().send(message);
    expect(tencent.received.at(-1)).toEqual({
      phone: '+8613912345678',
      templateId: sms.tencent.templateId,
      params: ['042917', '5'],
    });
  });

  it('fails on a bad signature with the provider code', async () => {
    await expect(tencentSender('wrong').send(message)).rejects.toMatchObject({
      code: 'AuthFailure.SignatureFailure',
    });
  });
});

describe('FailoverSmsSender', () => {
  it('falls over from Aliyun to Tencent when Aliyun refuses', async () => {
    aliyun.failWith('isv.AMOUNT_NOT_ENOUGH');
    const before = tencent.received.length;
    try {
      await new FailoverSmsSender([aliyunSender(), tencentSender()]).send(message);
    } finally {
      aliyun.failWith(undefined);
    }
    expect(tencent.received.length).toBe(before + 1);
  });

  it('fails when every provider fails', async () => {
    await expect(
      new FailoverSmsSender([aliyunSender('x'), tencentSender('y')]).send(message),
    ).rejects.toThrow(SmsProviderError);
  });
});

describe('TencentCaptchaVerifier against the captcha stand-in', () => {
  const apps = {
    standard: {
      captchaAppId: captchaConfig.appId,
      appSecretKey: standinCredentials.tencentCaptcha.appSecretKey,
    },
    hard: { captchaAppId: captchaConfig.hardAppId, appSecretKey: 'hard-app-secret' },
  };
  const verifier = () =>
    new TencentCaptchaVerifier({ endpoint: captcha.url, ...standinCredentials.tencent, apps }, systemClock);

  it('passes a genuine ticket once, from the IP it was issued to', async () => {
    const ticket = captcha.issue('203.0.113.7');
    expect(await verifier().verify(ticket, '203.0.113.7', 'standard')).toBe(true);
    expect(await verifier().verify(ticket, '203.0.113.7', 'standard')).toBe(false);
    expect(await verifier().verify(captcha.issue('203.0.113.7'), '198.51.100.1', 'standard')).toBe(false);
  });

  it('takes a hard ticket where the standard one is asked, never a standard one where the hard one is', async () => {
    expect(await verifier().verify(captcha.issue('203.0.113.7', 'hard'), '203.0.113.7', 'standard')).toBe(
      true,
    );
    expect(await verifier().verify(captcha.issue('203.0.113.7', 'standard'), '203.0.113.7', 'hard')).toBe(
      false,
    );
    expect(await verifier().verify(captcha.issue('203.0.113.7', 'hard'), '203.0.113.7', 'hard')).toBe(true);
  });

  it('fails closed on junk and on an unreachable service', async () => {
    expect(await verifier().verify('junk', '203.0.113.7', 'standard')).toBe(false);
    const offline = new TencentCaptchaVerifier(
      {
        endpoint: 'http://127.0.0.1:9/',
        ...standinCredentials.tencent,
        apps: { standard: { captchaAppId: 1, appSecretKey: 'x' } },
      },
      systemClock,
    );
    expect(await offline.verify(captcha.issue('203.0.113.7'), '203.0.113.7', 'standard')).toBe(false);
  });
});
