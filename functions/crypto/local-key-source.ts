import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { StartupRefusedError } from '../core/errors';
import { deriveAppKeys, type KeyMaterial } from './key-source';
import { type LocalKeyFile, readLocalKeyFile } from './local-key-file';
import { bothRegionsKeyring, openOnly } from './region-keyring';

export { assertNotInLambda, readLocalKeyFile } from './local-key-file';

const NAMESPACE = 'patient-onboarding-local';

function rawKeyring(keyName: string, key: string) {
  return new RawAesKeyringNode({
    keyNamespace: NAMESPACE,
    keyName,
    unencryptedMasterKey: new Uint8Array(Buffer.from(key, 'base64')),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/**
 * The local wrapping keys as an Encryption SDK keyring (what KMS is in AWS): `region`'s key
 * generates, every other region's key in the file wraps too, as the KMS keyring does.
 */
export function localKeyring(
  file: LocalKeyFile,
  region: string,
  onPeerFailure: (error: unknown) => void = () => {},
): KeyMaterial['keyring'] {
  const home = file.wrappingKeys[region];
  if (!home) throw new StartupRefusedError(`the local key file has no wrapping key for ${region}`);
  const peers: KeyMaterial['keyring'][] = Object.entries(file.wrappingKeys)
    .filter(([other]) => other !== region)
    .map(([other, key]) => rawKeyring(`wrapping-key/${other}`, key));
  if (file.legacyWrappingKey)
    peers.push(openOnly(rawKeyring('local-wrapping-key-v1', file.legacyWrappingKey)));
  return bothRegionsKeyring(rawKeyring(`wrapping-key/${region}`, home), peers, onPeerFailure);
}

/**
 * Reads the local keys from `path`, creating them (0600) on first use. `npm start` keeps them in
 * `.data/keys/` (git-ignored) so sealed data survives restarts; tests pass a throwaway path.
 */
export function loadLocalKeyMaterial(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  region = env.AWS_REGION ?? 'cn-north-1',
): KeyMaterial {
  const file = readLocalKeyFile(path, env);
  return {
    source: 'local',
    keyring: localKeyring(file, region),
    ...deriveAppKeys(Buffer.from(file.appSecret, 'base64')),
  };
}
