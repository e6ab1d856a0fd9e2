import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';

/** Provider credentials, kept as one JSON secret in Secrets Manager in AWS. */
const secret = () => z.string().check(z.minLength(1));
export const providerCredentialsSchema = z.object({
  aliyunSms: z.optional(z.object({ accessKeyId: secret(), accessKeySecret: secret() })),
  tencent: z.optional(z.object({ secretId: secret(), secretKey: secret() })),
  tencentCaptcha: z.optional(z.object({ appSecretKey: secret() })),
  aliyunCloudauth: z.optional(z.object({ accessKeyId: secret(), accessKeySecret: secret() })),
  /** OAuth app secrets by `<provider>:<client>`, e.g. `wechat:web`. */
  oauth: z.optional(z.record(z.string(), secret())),
  /** HIS gateway secrets by hospital id. */
  his: z.optional(z.record(z.string(), secret())),
  /** Webhook signing secrets by hospital id. */
  webhooks: z.optional(z.record(z.string(), secret())),
});

export type ProviderCredentials = z.infer<typeof providerCredentialsSchema>;

/**
 * What the local provider stand-ins accept. Not secrets: they open nothing but the stand-ins on
 * 127.0.0.1, and they let the real adapters' signing run end to end.
 */
export const standinCredentials: Required<ProviderCredentials> = {
  aliyunSms: { accessKeyId: 'LTAIlocalstandin01', accessKeySecret: 'local-aliyun-secret' },
  tencent: { secretId: 'AKIDlocalstandin01', secretKey: 'local-tencent-secret' },
  tencentCaptcha: { appSecretKey: 'local-captcha-app-secret' },
  aliyunCloudauth: { accessKeyId: 'LTAIlocalcloudauth1', accessKeySecret: 'local-cloudauth-secret' },
  oauth: Object.fromEntries(
    ['wechat:web', 'wechat:wechat_browser', 'wechat:app', 'qq:web', 'qq:app', 'weibo:web', 'weibo:app'].map(
      (k) => [k, `local-${k.replace(':', '-')}-secret`],
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
};

export async function loadProviderCredentials(
  secrets: SecretsManagerClient,
  secretArn: string,
): Promise<ProviderCredentials> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return providerCredentialsSchema.parse(JSON.parse(out.SecretString ?? '{}'));
}
