import { KmsKeyringNode } from '@aws-crypto/client-node';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AppKeys, deriveAppKeys, type KeyMaterial } from './key-source';

/**
 * KMS wraps the data keys. Building the keyring calls nothing; KMS is asked when a data key is
 * needed (the caching materials manager keeps that rare).
 */
export function kmsKeyring(dataKeyArn: string): KeyMaterial['keyring'] {
  // The keyring's default client provider makes one cached KMS client per region named in the ARN.
  return new KmsKeyringNode({ generatorKeyId: dataKeyArn });
}

/** The application secret (blind-index key and OTP pepper derive from it), read once per cold start. */
export async function loadAppKeys(secrets: SecretsManagerClient, appSecretArn: string): Promise<AppKeys> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: appSecretArn }));
  if (!secret.SecretString || secret.SecretString.length < 32)
    throw new Error('application secret is missing or short');
  return deriveAppKeys(secret.SecretString);
}
