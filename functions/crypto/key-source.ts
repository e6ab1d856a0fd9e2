import type { KeyringNode } from '@aws-crypto/client-node';

/**
 * Port: where the data-key wrapping keyring and the blind-index key come from. In AWS that is a
 * KMS key and a Secrets Manager secret; locally a key file under `.data/`.
 */
export interface KeyMaterial {
  readonly source: 'kms' | 'local';
  readonly keyring: KeyringNode;
  readonly indexKey: Uint8Array;
}
