import { hkdfSync } from 'node:crypto';
import type { KeyringNode } from '@aws-crypto/client-node';

/**
 * Port: where the data-key wrapping keyring and the blind-index key come from. In AWS that is a
 * KMS key and a Secrets Manager secret; locally a key file under `.data/`.
 */
export interface KeyMaterial {
  readonly source: 'kms' | 'local';
  readonly keyring: KeyringNode;
  /** Blind-index HMAC key. */
  readonly indexKey: Uint8Array;
  /** HMAC key for one-time codes, so a table dump cannot be brute-forced offline. */
  readonly otpPepper: Uint8Array;
  /** HMAC key of the audit hash chain: without it an edited entry cannot be re-chained. */
  readonly auditKey: Uint8Array;
}

export type AppKeys = Pick<KeyMaterial, 'indexKey' | 'otpPepper' | 'auditKey'>;

/**
 * The HMAC keys come from one application secret, separated by HKDF labels: one secret to store
 * and rotate, and a leak of one derived key says nothing about the others.
 */
export function deriveAppKeys(appSecret: string | Uint8Array): AppKeys {
  const derive = (label: string) =>
    new Uint8Array(hkdfSync('sha256', appSecret, 'patient-onboarding', label, 32));
  return {
    indexKey: derive('blind-index-v1'),
    otpPepper: derive('otp-pepper-v1'),
    auditKey: derive('audit-chain-v1'),
  };
}
