import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oauthProviderNames } from '../../functions/core/config';
import { oauthBaseVariable } from '../../functions/providers/oauth/registry';

/**
 * The environment variables our own code reads (functions/): a library's own settings (the AWS
 * SDK's, Powertools', Node's) are not ours to declare.
 */
export function projectVariables(functionsDir: string): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/env\.([A-Z][A-Z0-9_]+)|required\(env, '([A-Z][A-Z0-9_]+)'\)/g))
          names.add((m[1] ?? m[2]) as string);
        for (const m of text.matchAll(/`([A-Z][A-Z0-9_]*)_\$\{[^}]+\}_([A-Z0-9_]+)`/g))
          for (const provider of oauthProviderNames) names.add(`${m[1]}_${provider.toUpperCase()}_${m[2]}`);
      }
    }
  };
  walk(functionsDir);
  return names;
}

/** The local runtime's stand-in addresses and files (bin/local/runtime.ts): never set by a template. */
export const LOCAL_OVERRIDES: ReadonlySet<string> = new Set([
  'DYNAMODB_ENDPOINT',
  'LOCAL_KEY_FILE',
  'LOCAL_SIGNING_KEY_FILE',
  'LOCAL_SMS_OUTBOX',
  'LOCAL_QUEUE_DIR',
  'LOCAL_ORIGIN',
  'TENCENT_CAPTCHA_ENDPOINT',
  'TENCENT_FACEID_ENDPOINT',
  'TENCENT_SMS_ENDPOINT',
  'ALIYUN_CLOUDAUTH_ENDPOINT',
  'ALIYUN_SMS_ENDPOINT',
  ...oauthProviderNames.map(oauthBaseVariable),
  'WECHAT_MP_BASE',
  'ALIPAY_GATEWAY',
  'HIS_BASE',
  'WEBHOOK_BASE',
]);

/**
 * Ours and optional in AWS, each for a reason: the previous root keys during a rotation, the
 * other region's key in a fail-over, the hospital domain only with mutual TLS, the Lambda runtime's own names.
 */
export const OPTIONAL: ReadonlySet<string> = new Set([
  'TRUSTED_SIGNING_KEY_ARNS',
  // The other region's data key: absent in a fail-over deploy while that region is down.
  'PEER_DATA_KEY_ARNS',
  'HOSPITAL_DOMAIN',
  'AWS_REGION',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_EXECUTION_ENV',
]);

/** Our variables a function read that its environment did not set and nothing excuses. */
export function unexcused(ours: ReadonlySet<string>, read: Iterable<string>): string[] {
  return [...read].filter((name) => ours.has(name) && !LOCAL_OVERRIDES.has(name) && !OPTIONAL.has(name));
}
