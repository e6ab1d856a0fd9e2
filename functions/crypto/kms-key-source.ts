import { hkdfSync } from 'node:crypto';
import { KmsKeyringNode } from '@aws-crypto/client-node';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KeyMaterial } from './key-source';

/**
 * KMS wraps the data keys; the blind-index key is a Secrets Manager secret (encrypted under the
 * same customer-managed key), read once per cold start and stretched to 32 bytes with HKDF.
 */
export async function loadKmsKeyMaterial(options: {
  readonly dataKeyArn: string;
  readonly indexKeySecretArn: string;
  readonly secrets: SecretsManagerClient;
}): Promise<KeyMaterial> {
  // The keyring's default client provider makes one cached KMS client per region named in the ARN.
  const keyring = new KmsKeyringNode({ generatorKeyId: options.dataKeyArn });
  const secret = await options.secrets.send(
    new GetSecretValueCommand({ SecretId: options.indexKeySecretArn }),
  );
  if (!secret.SecretString || secret.SecretString.length < 32)
    throw new Error('blind-index secret is missing or short');
  const indexKey = new Uint8Array(
    hkdfSync('sha256', secret.SecretString, 'patient-onboarding', 'blind-index-v1', 32),
  );
  return { source: 'kms', keyring, indexKey };
}
