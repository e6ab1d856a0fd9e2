import { Lazy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * The `kms:ViaService` values for a service in a China region. No document settles whether China
 * spells the service endpoint `<service>.<region>.amazonaws.com` (what CDK's Secret writes) or
 * `….amazonaws.com.cn` (the partition's URL suffix), so every condition accepts both.
 */
export function viaService(service: string, region: string): string[] {
  return [`${service}.${region}.amazonaws.com`, `${service}.${region}.amazonaws.com.cn`];
}

const SPELLED = /^([a-z0-9-]+)\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * Rewrites every `kms:ViaService` condition in a key's policy, including those CDK constructs add
 * (Secrets Manager's), into the list of both spellings. Lazy: it runs when the template is written,
 * after every grant has been added.
 */
export function acceptBothViaServiceSpellings(key: kms.Key): void {
  const stack = Stack.of(key);
  const cfn = key.node.defaultChild as kms.CfnKey;
  cfn.addPropertyOverride(
    'KeyPolicy',
    Lazy.any({ produce: () => withBothSpellings(stack.resolve(cfn.keyPolicy)) }),
  );
}

/** A copy of a resolved policy document with each single-spelled ViaService value widened. */
export function withBothSpellings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withBothSpellings);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === 'kms:ViaService') {
        const values = (Array.isArray(v) ? v : [v]).flatMap((one) => {
          const match = typeof one === 'string' ? SPELLED.exec(one) : null;
          return match ? viaService(match[1] as string, match[2] as string) : [one];
        });
        return [k, [...new Set(values)]];
      }
      return [k, withBothSpellings(v)];
    }),
  );
}
