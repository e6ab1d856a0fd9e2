import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { oauthClients, oauthProviderNames } from '../core/config';

/** Provider credentials, kept as one JSON secret in Secrets Manager in AWS. */
const secret = () => z.string().check(z.minLength(1));
export const providerCredentialsSchema = z.object({
  aliyunSms: z.optional(z.object({ accessKeyId: secret(), accessKeySecret: secret() })),
  tencent: z.optional(z.object({ secretId: secret(), secretKey: secret() })),
  tencentCaptcha: z.optional(z.object({ appSecretKey: secret(), hardAppSecretKey: z.optional(secret()) })),
  aliyunCloudauth: z.optional(z.object({ accessKeyId: secret(), accessKeySecret: secret() })),
  /** OAuth app secrets by `<provider>:<client>`, e.g. `wechat:web`. */
  oauth: z.optional(z.record(z.string(), secret())),
  /** HIS gateway secrets by hospital id. */
  his: z.optional(z.record(z.string(), secret())),
  /** Webhook signing secrets by hospital id. */
  webhooks: z.optional(z.record(z.string(), secret())),
  /** Mini-programs by app id: WeChat's app secret; Alipay's app private key, its public key and the AES key (PEM, base64). */
  miniPrograms: z.optional(
    z.object({
      wechat: z.optional(z.record(z.string(), secret())),
      alipay: z.optional(
        z.record(z.string(), z.object({ privateKey: secret(), alipayPublicKey: secret(), aesKey: secret() })),
      ),
    }),
  ),
});

export type ProviderCredentials = z.infer<typeof providerCredentialsSchema>;

/**
 * What the local provider stand-ins accept. Not secrets: they open nothing but the stand-ins on
 * 127.0.0.1, and they let the real adapters' signing run end to end.
 */
let localAlipay: { app: KeyPair; alipay: KeyPair; aesKey: string } | undefined;
type KeyPair = { publicKey: string; privateKey: string };

/**
 * The Alipay stand-in's keys: made once per process on first use (the stand-in and the adapter run
 * in one process under `npm start` and the tests), never written anywhere.
 */
export function localAlipayKeys(): { app: KeyPair; alipay: KeyPair; aesKey: string } {
  const pair = (): KeyPair =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  localAlipay ??= { app: pair(), alipay: pair(), aesKey: randomBytes(16).toString('base64') };
  return localAlipay;
}

/** The mini-programs the local stage configures (functions/core/config.ts). */
export const STANDIN_WECHAT_MP = 'wx5f0a3c9e1b2d4f60';
export const STANDIN_ALIPAY_MP = '2021004100000001';
export const STANDIN_WECHAT_MP_SECRET = 'local-wechat-miniprogram-secret';

export const standinCredentials: Required<ProviderCredentials> = {
  aliyunSms: { accessKeyId: 'LTAIlocalstandin01', accessKeySecret: 'local-aliyun-secret' },
  tencent: { secretId: 'AKIDlocalstandin01', secretKey: 'local-tencent-secret' },
  tencentCaptcha: {
    appSecretKey: 'local-captcha-app-secret',
    hardAppSecretKey: 'local-captcha-hard-app-secret',
  },
  aliyunCloudauth: { accessKeyId: 'LTAIlocalcloudauth1', accessKeySecret: 'local-cloudauth-secret' },
  // One per (provider, client): whatever app ids the local site gives them.
  oauth: Object.fromEntries(
    oauthProviderNames.flatMap((provider) =>
      oauthClients.map((client) => [`${provider}:${client}`, `local-${provider}-${client}-secret`]),
    ),
  ),
  // h-ruijin's HIS is the same FHIR stand-in as h-pumch's, so it takes the same token.
  his: {
    'h-pumch': 'local-his-pumch-secret',
    'h-renji': 'local-his-renji-secret',
    'h-ruijin': 'local-his-pumch-secret',
  },
  webhooks: {
    'h-pumch': 'local-webhook-pumch-secret',
    'h-renji': 'local-webhook-renji-secret',
    'h-ruijin': 'local-webhook-ruijin-secret',
  },
  get miniPrograms() {
    const keys = localAlipayKeys();
    return {
      wechat: { [STANDIN_WECHAT_MP]: STANDIN_WECHAT_MP_SECRET },
      alipay: {
        [STANDIN_ALIPAY_MP]: {
          privateKey: keys.app.privateKey,
          alipayPublicKey: keys.alipay.publicKey,
          aesKey: keys.aesKey,
        },
      },
    };
  },
};

export async function loadProviderCredentials(
  secrets: SecretsManagerClient,
  secretArn: string,
): Promise<ProviderCredentials> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return providerCredentialsSchema.parse(JSON.parse(out.SecretString ?? '{}'));
}
