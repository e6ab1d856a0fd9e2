import type { ProviderCredentials } from './credentials';

/**
 * Everyone outside this system that receives a person's information, and what: the entrusted
 * processors (PIPL art. 21) and the recipients we provide to (art. 23: a hospital's HIS). Each
 * names the credential it is reached with and the adapters that call it; a test fails when an
 * adapter that calls out is in no entry, or a credential has none, so this list cannot fall
 * behind the code. The compliance evidence bundle prints it as it is.
 */
export interface Processor {
  readonly id: string;
  readonly name: { readonly zh: string; readonly en: string };
  /** `entrusted`: processes for us under contract; `recipient`: a controller of its own. */
  readonly role: 'entrusted' | 'recipient';
  readonly purpose: string;
  /** What it receives from us about a person (not our own credentials). */
  readonly receives: readonly string[];
  /** The key of the provider secret it is reached with; undefined for none (its own endpoint). */
  readonly credential: keyof ProviderCredentials;
  /** The modules under functions/ that call it. */
  readonly adapters: readonly string[];
}

export const processors: readonly Processor[] = [
  {
    id: 'aliyun-sms',
    name: { zh: '阿里云短信服务', en: 'Alibaba Cloud SMS' },
    role: 'entrusted',
    purpose: 'sending one-time codes and security notices',
    receives: ['phone number', 'the message text (a code, or a notice without personal data)'],
    credential: 'aliyunSms',
    adapters: ['functions/providers/sms/aliyun-sms-sender.ts'],
  },
  {
    id: 'tencent-sms',
    name: { zh: '腾讯云短信', en: 'Tencent Cloud SMS' },
    role: 'entrusted',
    purpose: 'sending one-time codes and security notices (the second SMS provider)',
    receives: ['phone number', 'the message text (a code, or a notice without personal data)'],
    credential: 'tencent',
    adapters: ['functions/providers/sms/tencent-sms-sender.ts'],
  },
  {
    id: 'tencent-faceid',
    name: { zh: '腾讯云人脸核身（实名核验）', en: 'Tencent Cloud FaceID (real-name check)' },
    role: 'entrusted',
    purpose: 'checking a name and ID number against the national record',
    receives: ['name', 'ID number'],
    credential: 'tencent',
    adapters: ['functions/providers/verification/tencent-faceid-provider.ts'],
  },
  {
    id: 'tencent-detect-auth',
    name: { zh: '腾讯云人脸核身（实人认证）', en: 'Tencent Cloud FaceID (liveness)' },
    role: 'entrusted',
    purpose: 'checking the real person is present (face liveness, its own consent)',
    receives: [
      'name',
      'ID number',
      'the face, captured on the provider’s own page (we keep only the outcome)',
    ],
    credential: 'tencent',
    adapters: ['functions/providers/liveness/tencent-detect-auth.ts'],
  },
  {
    id: 'aliyun-cloudauth',
    name: { zh: '阿里云实人认证', en: 'Alibaba Cloud ID Verification' },
    role: 'entrusted',
    purpose: 'the real-name check and face liveness (the second provider)',
    receives: [
      'name',
      'ID number',
      'the face, captured on the provider’s own page (we keep only the outcome)',
    ],
    credential: 'aliyunCloudauth',
    adapters: [
      'functions/providers/verification/aliyun-id2meta-provider.ts',
      'functions/providers/liveness/aliyun-face-verify.ts',
    ],
  },
  {
    id: 'tencent-captcha',
    name: { zh: '腾讯云验证码', en: 'Tencent Cloud Captcha' },
    role: 'entrusted',
    purpose: 'telling people from scripts when a network sends many codes',
    receives: ['the captcha ticket', 'the client IP address'],
    credential: 'tencentCaptcha',
    adapters: ['functions/providers/captcha/tencent-captcha-verifier.ts'],
  },
  {
    id: 'oauth-platforms',
    name: { zh: '微信、QQ、微博开放平台', en: 'WeChat, QQ and Weibo open platforms' },
    role: 'recipient',
    purpose: 'logging in with an account there, when the person chooses it',
    receives: ['the authorization code the person’s login produced (they send us their user id)'],
    credential: 'oauth',
    adapters: [
      'functions/providers/oauth/wechat-oauth.ts',
      'functions/providers/oauth/qq-oauth.ts',
      'functions/providers/oauth/weibo-oauth.ts',
    ],
  },
  {
    id: 'miniprogram-platforms',
    name: { zh: '微信、支付宝小程序平台', en: 'WeChat and Alipay mini-program platforms' },
    role: 'recipient',
    purpose: 'logging in inside a hospital’s mini-program, and the one-tap phone number',
    receives: ['the login code and phone code the person’s tap produced'],
    credential: 'miniPrograms',
    adapters: [
      'functions/providers/miniprogram/wechat-miniprogram.ts',
      'functions/providers/miniprogram/alipay-miniprogram.ts',
      'functions/providers/miniprogram/platform-tokens.ts',
    ],
  },
  {
    id: 'his',
    name: { zh: '医院信息系统（HIS）', en: "The hospital's information system (HIS)" },
    role: 'recipient',
    purpose: 'opening and keeping a medical card (its own consent, medical_card)',
    receives: [
      'name',
      'sex',
      'date of birth',
      'ID type and number',
      'phone number',
      'relationship to the account holder',
      'insurance type',
    ],
    credential: 'his',
    adapters: [
      'functions/providers/his/fhir-his-client.ts',
      'functions/providers/his/signed-json-his-client.ts',
    ],
  },
  {
    id: 'hospital-webhooks',
    name: { zh: '医院事件回调', en: "The hospital's webhook" },
    role: 'recipient',
    purpose: 'telling the hospital a card of its own changed',
    receives: ['card id, status and relationship code (no name, number or patient id)'],
    credential: 'webhooks',
    adapters: ['functions/cards/webhooks.ts'],
  },
];
