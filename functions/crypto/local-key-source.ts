import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { StartupRefusedError } from '../core/errors';
import { deriveAppKeys, type KeyMaterial } from './key-source';

interface LocalKeyFile {
  readonly version: 1;
  readonly wrappingKey: string;
  readonly appSecret: string;
  readonly createdAt: string;
}

/** Lambda sets these; a local key file must never be what protects real patients' data. */
export function assertNotInLambda(env: NodeJS.ProcessEnv): void {
  if (env.AWS_LAMBDA_FUNCTION_NAME || env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda')) {
    throw new StartupRefusedError('the local key source refuses to run inside AWS Lambda; configure KMS');
  }
}

/**
 * Reads the local keys from `path`, creating them (0600) on first use. `npm start` keeps them in
 * `.data/keys/` (git-ignored) so sealed data survives restarts; tests pass a throwaway path.
 */
export function loadLocalKeyMaterial(path: string, env: NodeJS.ProcessEnv = process.env): KeyMaterial {
  assertNotInLambda(env);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fresh: LocalKeyFile = {
      version: 1,
      wrappingKey: randomBytes(32).toString('base64'),
      appSecret: randomBytes(32).toString('base64'),
      createdAt: new Date().toISOString(),
    };
    writeFileSync(path, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as LocalKeyFile;
  const keyring = new RawAesKeyringNode({
    keyNamespace: 'patient-onboarding-local',
    keyName: 'local-wrapping-key-v1',
    unencryptedMasterKey: new Uint8Array(Buffer.from(file.wrappingKey, 'base64')),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  return { source: 'local', keyring, ...deriveAppKeys(Buffer.from(file.appSecret, 'base64')) };
}
