import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';

/** Provider credentials, kept as one JSON secret in Secrets Manager in AWS. */
export const providerCredentialsSchema = z.object({
  aliyunSms: z.object({ accessKeyId: z.string().min(1), accessKeySecret: z.string().min(1) }).optional(),
  tencent: z.object({ secretId: z.string().min(1), secretKey: z.string().min(1) }).optional(),
  tencentCaptcha: z.object({ appSecretKey: z.string().min(1) }).optional(),
  aliyunCloudauth: z
    .object({ accessKeyId: z.string().min(1), accessKeySecret: z.string().min(1) })
    .optional(),
  /** OAuth app secrets by `<provider>:<client>`, e.g. `wechat:web`. */
  oauth: z.record(z.string(), z.string().min(1)).optional(),
  /** HIS gateway secrets by hospital id. */
  his: z.record(z.string(), z.string().min(1)).optional(),
  /** Webhook signing secrets by hospital id. */
  webhooks: z.record(z.string(), z.string().min(1)).optional(),
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
  his: { 'h-pumch': 'local-his-pumch-secret', 'h-renji': 'local-his-renji-secret' },
  webhooks: { 'h-pumch': 'local-webhook-pumch-secret', 'h-renji': 'local-webhook-renji-secret' },
};

export async function loadProviderCredentials(
  secrets: SecretsManagerClient,
  secretArn: string,
): Promise<ProviderCredentials> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return providerCredentialsSchema.parse(JSON.parse(out.SecretString ?? '{}'));
}
