import { KmsKeyringNode } from '@aws-crypto/client-node';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AppKeys, deriveAppKeys, type KeyMaterial } from './key-source';
import { bothRegionsKeyring } from './region-keyring';

/**
 * KMS wraps the data keys: this region's key (by key ARN, so opening matches it exactly) and each
 * other region's key (by alias ARN: only wrapped for, never asked to open here). Building the
 * keyring calls nothing; KMS is asked when a data key is needed (the caching materials manager
 * keeps that rare).
 */
export function kmsKeyring(
  dataKeyArn: string,
  peerKeyArns: readonly string[] = [],
  onPeerFailure: (error: unknown) => void = () => {},
): KeyMaterial['keyring'] {
  // The keyring's default client provider makes one cached KMS client per region named in the ARN.
  return bothRegionsKeyring(
    new KmsKeyringNode({ generatorKeyId: dataKeyArn }),
    peerKeyArns.map((arn) => new KmsKeyringNode({ keyIds: [arn] })),
    onPeerFailure,
  );
}

/** The application secret (blind-index key and OTP pepper derive from it), read once per cold start. */
export async function loadAppKeys(secrets: SecretsManagerClient, appSecretArn: string): Promise<AppKeys> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: appSecretArn }));
  if (!secret.SecretString || secret.SecretString.length < 32)
    throw new Error('application secret is missing or short');
  return deriveAppKeys(secret.SecretString);
}
