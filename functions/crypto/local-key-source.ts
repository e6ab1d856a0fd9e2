import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { deriveAppKeys, type KeyMaterial } from './key-source';
import { readLocalKeyFile } from './local-key-file';

export { assertNotInLambda, readLocalKeyFile } from './local-key-file';

/** The local wrapping key as an Encryption SDK keyring (what KMS is in AWS). */
export function localKeyring(wrappingKey: string): KeyMaterial['keyring'] {
  return new RawAesKeyringNode({
    keyNamespace: 'patient-onboarding-local',
    keyName: 'local-wrapping-key-v1',
    unencryptedMasterKey: new Uint8Array(Buffer.from(wrappingKey, 'base64')),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/**
 * Reads the local keys from `path`, creating them (0600) on first use. `npm start` keeps them in
 * `.data/keys/` (git-ignored) so sealed data survives restarts; tests pass a throwaway path.
 */
export function loadLocalKeyMaterial(path: string, env: NodeJS.ProcessEnv = process.env): KeyMaterial {
  const file = readLocalKeyFile(path, env);
  return {
    source: 'local',
    keyring: localKeyring(file.wrappingKey),
    ...deriveAppKeys(Buffer.from(file.appSecret, 'base64')),
  };
}
